package io.convrouter.classify;

import java.util.Map;
import java.util.Set;

import io.convrouter.classify.facts.BotHandoff;
import io.convrouter.classify.facts.Conversation;
import io.convrouter.classify.facts.CustomerHistory;
import io.convrouter.classify.facts.Customer;
import io.convrouter.classify.facts.Entry;
import io.convrouter.classify.facts.RoutingPlan;

/**
 * Everything the rules see about one conversation, in one place, so that live intake, scenario
 * tests and replays classify exactly the same way.
 */
public record RoutingInput(String conversationId, String channel, String text, String language,
                           String customerId, String tier, boolean returning, String lastAgentId, int orderCount,
                           Set<String> tags, String campaign, String landingPage, String businessLine,
                           Map<String, String> fields, BotHandoff handoff, CustomerHistory history) {

    public RoutingInput(String conversationId, String channel, String text, String language, String customerId,
                        String tier, boolean returning, String lastAgentId, int orderCount, Set<String> tags,
                        String campaign, String landingPage, String businessLine, Map<String, String> fields,
                        BotHandoff handoff) {
        this(conversationId, channel, text, language, customerId, tier, returning, lastAgentId, orderCount, tags,
                campaign, landingPage, businessLine, fields, handoff, null);
    }

    public RoutingInput withHistory(CustomerHistory h) {
        return new RoutingInput(conversationId, channel, text, language, customerId, tier, returning, lastAgentId,
                orderCount, tags, campaign, landingPage, businessLine, fields, handoff, h);
    }

    /** Everything but a bot handoff: a conversation classified at intake. */
    public RoutingInput(String conversationId, String channel, String text, String language, String customerId,
                        String tier, boolean returning, String lastAgentId, int orderCount, Set<String> tags,
                        String campaign, String landingPage, String businessLine, Map<String, String> fields) {
        this(conversationId, channel, text, language, customerId, tier, returning, lastAgentId, orderCount, tags,
                campaign, landingPage, businessLine, fields, null);
    }

    public RoutingInput withHandoff(BotHandoff h) {
        return new RoutingInput(conversationId, channel, text, language, customerId, tier, returning, lastAgentId,
                orderCount, tags, campaign, landingPage, businessLine, fields, h, history);
    }

    /** The starting plan before any rule runs: the workbench defaults. */
    public record Defaults(String queue, int priority, int slaSeconds, String language) {}

    public Classification classify(Classifier classifier, Ruleset ruleset, Defaults defaults) {
        RoutingPlan plan = new RoutingPlan(defaults.queue(), defaults.priority(), defaults.slaSeconds(), language);
        Classification result = classifier.classify(ruleset, plan,
                new Conversation(conversationId, channel, text, language, fields),
                new Customer(customerId, tier, returning, lastAgentId, orderCount, tags),
                new Entry(campaign, landingPage, businessLine), handoff, history);
        if (result.plan().language() != null || defaults.language() == null) {
            return result;
        }
        Classification.Plan p = result.plan();
        // No rule and no request chose a language: serve in the default one.
        return new Classification(new Classification.Plan(p.intent(), p.queue(), p.requiredSkills(),
                defaults.language(), p.team(), p.priority(), p.slaSeconds(), p.botFirst(), p.preferredAgentId(),
                p.dropped()),
                result.rulesFired(), result.rulesetVersion(), result.nanos());
    }
}
