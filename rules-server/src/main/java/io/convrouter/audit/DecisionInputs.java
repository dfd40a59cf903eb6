package io.convrouter.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import io.convrouter.conversation.ConversationRecord;

/**
 * The inputs of a decision as an auditor reads them: the facts the rules saw, and the queue's
 * dispatch strategy and the A/B experiment variant the conversation was routed under.
 */
public final class DecisionInputs {
    private DecisionInputs() {}

    public static Map<String, Object> of(ConversationRecord c) {
        Map<String, Object> conversation = new LinkedHashMap<>();
        conversation.put("channel", c.channel());
        conversation.put("externalId", c.externalId());
        conversation.put("text", c.text());
        conversation.put("language", c.language());
        conversation.put("fields", c.fields());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("conversation", conversation);
        if (c.customer() != null) {
            Map<String, Object> customer = new LinkedHashMap<>();
            customer.put("id", c.customer().id());
            customer.put("tier", c.customer().tier());
            customer.put("returning", c.customer().returning());
            customer.put("lastAgentId", c.customer().lastAgentId());
            customer.put("orderCount", c.customer().orderCount());
            customer.put("tags", c.customer().tags().stream().sorted().toList());
            input.put("customer", customer);
        }
        if (c.entry() != null) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("campaign", c.entry().campaign());
            entry.put("landingPage", c.entry().landingPage());
            entry.put("businessLine", c.entry().businessLine());
            input.put("entry", entry);
        }
        // Not facts the rules saw, but what the decision was made under: reports group decisions by them.
        if (c.strategy() != null) {
            input.put("dispatch", new LinkedHashMap<>(Map.of("strategy", c.strategy())));
        }
        if (c.experimentId() != null) {
            Map<String, Object> experiment = new LinkedHashMap<>();
            experiment.put("id", c.experimentId());
            experiment.put("variant", c.variant());
            input.put("experiment", experiment);
        }
        return input;
    }
}
