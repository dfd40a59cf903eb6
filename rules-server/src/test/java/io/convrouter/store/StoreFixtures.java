package io.convrouter.store;

import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.convrouter.agents.AgentProfile;
import io.convrouter.audit.Candidate;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.Classification;
import io.convrouter.classify.FiredRule;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;

/** Records for store tests, with times at millisecond precision (what BSON dates keep). */
final class StoreFixtures {
    private StoreFixtures() {}

    static final Instant T0 = Instant.parse("2024-11-11T08:00:00Z");

    static {
        // The embedded server logs every collection and ignored index at INFO/WARN; the server itself sets it to error.
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("de.bwaldvogel"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.mongodb.driver"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    /** A client configured like the server's: journaled majority writes. */
    static MongoClient client(String connectionString) {
        return MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(connectionString))
                .writeConcern(WriteConcern.MAJORITY.withJournal(true))
                .build());
    }

    static Instant at(long secondsAfterT0) {
        return T0.plusSeconds(secondsAfterT0).truncatedTo(ChronoUnit.MILLIS);
    }

    static Classification.Plan plan(String queue, int priority) {
        return new Classification.Plan("refund", queue, Map.of("refund", 3), "zh", null, priority, 90, false, null);
    }

    static ConversationRecord conversation(String id, String channel, String externalId, ConversationStatus status,
                                           Instant createdAt) {
        Map<String, String> fields = new LinkedHashMap<>();
        fields.put("orderId", "o-" + externalId);
        fields.put("budget", "5000");
        return new ConversationRecord(id, channel, externalId, "我要退款 " + externalId, "zh",
                new ConversationRecord.CustomerInfo("c-" + id, "vip", true, "a-7", 12,
                        new LinkedHashSet<>(List.of("high_value", "repeat"))),
                new ConversationRecord.EntryInfo("double11", "/product/down-jacket", "apparel"),
                fields, plan("after-sales", 60), "ruleset-v1", status, null, "d-" + id, createdAt, null, null, null,
                null);
    }

    static ConversationRecord queued(String id, String externalId) {
        return conversation(id, "web", externalId, ConversationStatus.QUEUED, at(0));
    }

    static AgentProfile agent(String id, Map<String, Integer> capacity) {
        return new AgentProfile(id, "Agent " + id, Map.of("refund", 4, "general", 3), Set.of("zh", "en"),
                Set.of("vip-desk"), capacity);
    }

    static DecisionRecord decision(String id, String conversationId, Instant at, String chosenAgent, String rule,
                                   String queue) {
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("channel", "web");
        input.put("text", "我要退款");
        input.put("customer", new LinkedHashMap<>(Map.of("tier", "vip", "orderCount", 12)));
        input.put("tags", List.of("high_value", "repeat"));
        Map<String, Object> score = new LinkedHashMap<>();
        score.put("loadRatio", 0.25);
        score.put("idleSeconds", 42L);
        score.put("preferred", false);
        List<Candidate> candidates = List.of(
                new Candidate(chosenAgent == null ? "a-x" : chosenAgent, true, List.of(), score, 1),
                new Candidate("a-away", false, List.of("agent is away", "lacks skill refund (needs level 3)"), null,
                        null));
        return new DecisionRecord(id, chosenAgent == null ? DecisionKind.ROUTED : DecisionKind.ASSIGNED, at,
                conversationId, "ruleset-v1", input,
                List.of(new FiredRule(rule, "intent", "routing.drl.xlsx", "Intents", 12, null),
                        new FiredRule("Angry wording to senior agents", "route", "guards.drl", null, null, 10)),
                plan(queue, 40), candidates, chosenAgent, chosenAgent == null ? "queued" : "assigned",
                "because " + rule, 1234);
    }
}
