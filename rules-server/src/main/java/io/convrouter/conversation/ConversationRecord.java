package io.convrouter.conversation;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.convrouter.classify.Classification;

/**
 * A conversation as stored: what arrived, what the rules planned, and where it stands.
 * {@code strategy} is the dispatch strategy of the agents' queue it joined, as workbench-config set
 * it then (reports group by it); null while it never joined one (with the bot, a message, a call
 * back, dropped).
 */
public record ConversationRecord(
        String id,
        String channel,
        String externalId,
        String text,
        String language,
        CustomerInfo customer,
        EntryInfo entry,
        Map<String, String> fields,
        Classification.Plan plan,
        String rulesetVersion,
        ConversationStatus status,
        String agentId,
        String decisionId,
        Instant createdAt,
        Instant assignedAt,
        Instant endedAt,
        Outcome outcome,
        Integer satisfaction,
        String experimentId,
        String variant,
        Progress progress,
        String strategy) {

    /**
     * Where a conversation is in being served: when it started waiting (its age for ordering; a
     * reject or timeout keeps it, a bot handoff starts it), the offer out to an agent, acceptance,
     * the agent's first reply, the agents who declined or let it time out (never offered it again),
     * and how many times it was routed again.
     */
    public record Progress(Instant queuedAt, Instant offeredAt, Instant offerExpiresAt, Instant acceptedAt,
                           Instant firstReplyAt, Set<String> declinedBy, int reroutes) {
        public Progress {
            declinedBy = declinedBy == null ? Set.of() : Set.copyOf(declinedBy);
        }

        public static Progress waitingSince(Instant queuedAt) {
            return new Progress(queuedAt, null, null, null, null, Set.of(), 0);
        }
    }

    public record CustomerInfo(String id, String tier, boolean returning, String lastAgentId, int orderCount,
                               Set<String> tags) {
        public CustomerInfo {
            tags = tags == null ? Set.of() : Set.copyOf(tags);
        }
    }

    public record EntryInfo(String campaign, String landingPage, String businessLine) {}

    public ConversationRecord {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
        progress = progress == null ? Progress.waitingSince(createdAt) : progress;
    }

    /** Without a recorded dispatch strategy. */
    public ConversationRecord(String id, String channel, String externalId, String text, String language,
                              CustomerInfo customer, EntryInfo entry, Map<String, String> fields,
                              Classification.Plan plan, String rulesetVersion, ConversationStatus status,
                              String agentId, String decisionId, Instant createdAt, Instant assignedAt,
                              Instant endedAt, Outcome outcome, Integer satisfaction, String experimentId,
                              String variant, Progress progress) {
        this(id, channel, externalId, text, language, customer, entry, fields, plan, rulesetVersion, status, agentId,
                decisionId, createdAt, assignedAt, endedAt, outcome, satisfaction, experimentId, variant, progress, null);
    }

    public ConversationRecord(String id, String channel, String externalId, String text, String language,
                              CustomerInfo customer, EntryInfo entry, Map<String, String> fields,
                              Classification.Plan plan, String rulesetVersion, ConversationStatus status,
                              String agentId, String decisionId, Instant createdAt, Instant assignedAt,
                              Instant endedAt, Outcome outcome, Integer satisfaction, String experimentId,
                              String variant) {
        this(id, channel, externalId, text, language, customer, entry, fields, plan, rulesetVersion, status, agentId,
                decisionId, createdAt, assignedAt, endedAt, outcome, satisfaction, experimentId, variant, null);
    }

    /** When it started waiting for a human: the order among waiting conversations and its wait time. */
    public Instant queuedAt() {
        return progress.queuedAt() != null ? progress.queuedAt() : createdAt;
    }

    public ConversationRecord with(ConversationStatus s, String agent, Instant assigned, Progress p) {
        return new ConversationRecord(id, channel, externalId, text, language, customer, entry, fields, plan,
                rulesetVersion, s, agent, decisionId, createdAt, assigned, endedAt, outcome, satisfaction, experimentId,
                variant, p, strategy);
    }

    public ConversationRecord withPlan(Classification.Plan newPlan, String version) {
        return new ConversationRecord(id, channel, externalId, text, language, customer, entry, fields, newPlan,
                version, status, agentId, decisionId, createdAt, assignedAt, endedAt, outcome, satisfaction, experimentId,
                variant, progress, strategy);
    }

    /** The same conversation, joining an agents' queue dispatched by this strategy. */
    public ConversationRecord withStrategy(String dispatchStrategy) {
        return new ConversationRecord(id, channel, externalId, text, language, customer, entry, fields, plan,
                rulesetVersion, status, agentId, decisionId, createdAt, assignedAt, endedAt, outcome, satisfaction,
                experimentId, variant, progress, dispatchStrategy);
    }

    /** A conversation outside any ruleset experiment. */
    public ConversationRecord(String id, String channel, String externalId, String text, String language,
                              CustomerInfo customer, EntryInfo entry, Map<String, String> fields,
                              Classification.Plan plan, String rulesetVersion, ConversationStatus status,
                              String agentId, String decisionId, Instant createdAt, Instant assignedAt,
                              Instant endedAt, Outcome outcome, Integer satisfaction) {
        this(id, channel, externalId, text, language, customer, entry, fields, plan, rulesetVersion, status, agentId,
                decisionId, createdAt, assignedAt, endedAt, outcome, satisfaction, null, null);
    }

    public ConversationRecord assigned(String agent, Instant at) {
        return with(ConversationStatus.ASSIGNED, agent, at, new Progress(progress.queuedAt(), progress.offeredAt(),
                null, at, null, progress.declinedBy(), progress.reroutes()));
    }

    public ConversationRecord offered(String agent, Instant at, Instant expires) {
        return with(ConversationStatus.OFFERED, agent, null, new Progress(progress.queuedAt(), at, expires, null, null,
                progress.declinedBy(), progress.reroutes()));
    }

    /** Back to waiting after the agent declined, let the offer time out, or never replied: never to that agent again. */
    public ConversationRecord declinedBy(String agent) {
        java.util.Set<String> declined = new java.util.LinkedHashSet<>(progress.declinedBy());
        declined.add(agent);
        return with(ConversationStatus.QUEUED, null, null, new Progress(progress.queuedAt(), null, null, null, null,
                declined, progress.reroutes() + 1));
    }

    public ConversationRecord ended(ConversationStatus finalStatus, Instant at, Outcome how, Integer csat) {
        return new ConversationRecord(id, channel, externalId, text, language, customer, entry, fields, plan,
                rulesetVersion, finalStatus, agentId, decisionId, createdAt, assignedAt, at, how, csat, experimentId,
                variant, progress, strategy);
    }
}
