package io.convrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convrouter.agents.AgentStore;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.store.mongo.EmbeddedMongo;
import io.convrouter.testing.JsonHttp;
import io.convrouter.testing.RoutingApp;
import tools.jackson.databind.JsonNode;

/**
 * The states a crash can leave between two writes of one request, written straight into the
 * store of a server on the H2 file backend, and what the next start must make of them. The kill
 * test finds these states by chance; here each one is certain.
 */
class CrashRecoveryTest {

    @TempDir
    Path dataDir;

    /**
     * An assignment is two writes: reserve the agent, then mark the conversation. A crash between
     * them leaves a unit of the agent's capacity held for a conversation that still waits. The
     * next start hands the unit back and routes the conversation again, once.
     */
    @Test
    void aReservationWithoutItsAssignmentIsHandedBackAndTheConversationRoutedOnce() {
        String conversationId;
        try (RoutingApp app = RoutingApp.onFile(dataDir)) {
            registerOnline(app.http(), "solo", Map.of("web", 2));
            ConversationRecord c = queuedConversation("crash-1", "web", "e-crash-1");
            conversationId = c.id();
            app.bean(ConversationStore.class).insertIfAbsent(c);
            assertThat(app.bean(AgentStore.class).tryReserve("solo", "web", 2, c.id(), Instant.now())).isPresent();
            app.bean("embeddedMongo", EmbeddedMongo.class).awaitDurable();
        }

        try (RoutingApp app = RoutingApp.onFile(dataDir)) {
            JsonHttp http = app.http();
            JsonNode agent = http.get("/api/v1/agents/solo").body();
            JsonNode conversation = http.get("/api/v1/conversations/" + conversationId).body();

            assertThat(conversation.path("status").asString()).isEqualTo("assigned");
            assertThat(conversation.path("agentId").asString()).isEqualTo("solo");
            assertThat(agent.path("load").path("web").asInt()).as("one unit, not the stale one plus a new one")
                    .isEqualTo(1);
            assertThat(agent.path("conversations")).hasSize(1);
            assertThat(agent.path("conversations").get(0).asString()).isEqualTo(conversationId);
            assertThat(kinds(http, conversationId)).containsExactly("assigned");
        }
    }

    /**
     * A crash after a conversation was stored (another request's commit made it durable) but
     * before its routing decision was written leaves a conversation whose {@code decisionId}
     * points at nothing. The integration never heard back, so it sends the message again and
     * gets 200 with that conversation: an acknowledged conversation without its decision.
     * The kill test sees this in about one run in three (it counts and prints it).
     */
    @Test
    void aConversationStoredWithoutItsDecisionGetsOneBeforeItIsAcknowledged() {
        String conversationId;
        try (RoutingApp app = RoutingApp.onFile(dataDir)) {
            ConversationRecord c = queuedConversation("crash-2", "email", "e-crash-2");
            conversationId = c.id();
            app.bean(ConversationStore.class).insertIfAbsent(c);
            app.bean("embeddedMongo", EmbeddedMongo.class).awaitDurable();
        }

        try (RoutingApp app = RoutingApp.onFile(dataDir)) {
            JsonHttp http = app.http();
            JsonHttp.Response again = http.post("/api/v1/conversations",
                    JsonHttp.refundConversation("email", "e-crash-2"));
            assertThat(again.status()).isEqualTo(200);
            assertThat(again.text("id")).isEqualTo(conversationId);

            List<String> trail = new ArrayList<>();
            http.get("/api/v1/conversations/" + conversationId + "/decisions").body()
                    .forEach(d -> trail.add(d.path("id").asString()));
            assertThat(trail).as("the decision the conversation names exists").contains(again.text("decisionId"));
            assertThat(kinds(http, conversationId)).contains("routed");
        }
    }

    static ConversationRecord queuedConversation(String id, String channel, String externalId) {
        return new ConversationRecord(id, channel, externalId, "我要退款", "zh",
                new ConversationRecord.CustomerInfo("c-" + id, "regular", false, null, 0, null), null, Map.of(),
                StoreFixtures.plan("after-sales", 40), "ruleset-before-the-crash", ConversationStatus.QUEUED, null,
                "decision-of-" + id, Instant.now().truncatedTo(ChronoUnit.MILLIS), null, null, null, null);
    }

    static void registerOnline(JsonHttp http, String id, Map<String, Integer> capacity) {
        assertThat(http.put("/api/v1/agents/" + id, JsonHttp.agent("Agent " + id, capacity)).status()).isIn(200, 201);
        assertThat(http.put("/api/v1/agents/" + id + "/presence", Map.of("status", "online")).status())
                .isEqualTo(200);
    }

    static List<String> kinds(JsonHttp http, String conversationId) {
        List<String> kinds = new ArrayList<>();
        http.get("/api/v1/conversations/" + conversationId + "/decisions").body()
                .forEach(d -> kinds.add(d.path("kind").asString()));
        return kinds;
    }
}
