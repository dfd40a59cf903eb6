package io.convrouter.conversation;

import java.time.Instant;
import java.util.Map;
import java.util.Set;

import io.convrouter.classify.Classification;

/** A conversation as stored: what arrived, what the rules planned, and where it stands. */
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
        String variant) {

    public record CustomerInfo(String id, String tier, boolean returning, String lastAgentId, int orderCount,
                               Set<String> tags) {
        public CustomerInfo {
            tags = tags == null ? Set.of() : Set.copyOf(tags);
        }
    }

    public record EntryInfo(String campaign, String landingPage, String businessLine) {}

    public ConversationRecord {
        fields = fields == null ? Map.of() : Map.copyOf(fields);
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
        return new ConversationRecord(id, channel, externalId, text, language, customer, entry, fields, plan,
                rulesetVersion, ConversationStatus.ASSIGNED, agent, decisionId, createdAt, at, endedAt, outcome,
                satisfaction, experimentId, variant);
    }

    public ConversationRecord ended(ConversationStatus finalStatus, Instant at, Outcome how, Integer csat) {
        return new ConversationRecord(id, channel, externalId, text, language, customer, entry, fields, plan,
                rulesetVersion, finalStatus, agentId, decisionId, createdAt, assignedAt, at, how, csat, experimentId,
                variant);
    }
}
