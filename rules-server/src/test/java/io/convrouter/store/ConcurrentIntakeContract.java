package io.convrouter.store;

import static io.convrouter.store.StoreContract.race;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import org.bson.Document;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.mongodb.client.MongoDatabase;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.testing.JsonHttp;
import io.convrouter.testing.RoutingApp;
import tools.jackson.databind.JsonNode;

/**
 * Many clients at once against the whole server over HTTP, with a roster much smaller than the
 * traffic. Whatever the interleaving: no agent over capacity, no conversation assigned twice,
 * each agent's load equals the conversations it holds, freed capacity goes to waiting work,
 * and a message delivered twice at the same moment becomes one conversation.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class ConcurrentIntakeContract {
    static final int CLIENTS = 16;

    protected RoutingApp app;
    protected JsonHttp http;

    /** Starts the server on the MongoDB under test. */
    protected abstract RoutingApp startServer() throws Exception;

    @BeforeAll
    void start() throws Exception {
        app = startServer();
        http = app.http();
    }

    @AfterAll
    void stop() {
        if (app != null) {
            app.close();
        }
    }

    @Test
    void manyClientsNeverOverbookASmallRoster() throws Exception {
        int capacity = 2;
        List<String> roster = List.of("r-1", "r-2", "r-3");
        registerOnline(roster, Map.of("web", capacity));

        // Phase 1: a burst of new conversations, far more than the roster can take.
        List<String> created = postAll("web", "burst", 60);
        assertThat(created).doesNotHaveDuplicates().hasSize(60);
        assertRosterConsistent(roster, "web", capacity);

        // Phase 2: agents close conversations while new ones keep arriving.
        ConcurrentLinkedQueue<Integer> arrivals = new ConcurrentLinkedQueue<>(IntStream.range(0, 30).boxed().toList());
        AtomicInteger closesLeft = new AtomicInteger(24);
        List<String> closedOk = Collections.synchronizedList(new ArrayList<>());
        List<String> more = Collections.synchronizedList(new ArrayList<>());
        race(CLIENTS, t -> {
            Random random = new Random(t);
            if (t % 2 == 0) {
                for (Integer n; (n = arrivals.poll()) != null; ) {
                    JsonHttp.Response r = http.post("/api/v1/conversations",
                            JsonHttp.refundConversation("web", "more-" + n));
                    assertThat(r.status()).as(r.raw()).isEqualTo(201);
                    more.add(r.text("id"));
                }
            } else {
                while (closesLeft.getAndDecrement() > 0) {
                    List<String> held = heldConversations(roster);
                    if (held.isEmpty()) {
                        continue;
                    }
                    String id = held.get(random.nextInt(held.size()));
                    JsonHttp.Response r = http.post("/api/v1/conversations/" + id + "/close",
                            Map.of("outcome", "resolved", "satisfaction", 4));
                    assertThat(r.status()).as("close %s: %s", id, r.raw()).isIn(200, 409);
                    if (r.status() == 200) {
                        closedOk.add(id);
                    }
                }
            }
            return null;
        });

        assertThat(closedOk).as("each conversation closes once").doesNotHaveDuplicates().isNotEmpty();
        assertThat(more).hasSize(30);
        ConversationStore store = app.bean(ConversationStore.class);
        for (String id : closedOk) {
            assertThat(store.find(id).orElseThrow().status()).isEqualTo(ConversationStatus.CLOSED);
        }
        int open = 90 - closedOk.size();
        assertRosterConsistent(roster, "web", capacity);
        for (String id : roster) {
            assertThat(agent(id).path("load").path("web").asInt())
                    .as("%d conversations wait, so freed capacity went to them: %s is full", open - 6, id)
                    .isEqualTo(capacity);
        }
        List<String> all = new ArrayList<>(created);
        all.addAll(more);
        assertAssignedAtMostOnce(all);
        for (String id : closedOk) {
            assertThat(decisions(id)).as("the close of %s is on record", id)
                    .filteredOn(d -> d.kind() == DecisionKind.CLOSED).hasSize(1);
        }
    }

    @Test
    void concurrentDuplicatesBecomeOneConversation() throws Exception {
        List<String> roster = List.of("d-1", "d-2");
        registerOnline(roster, Map.of("app", 3));
        int distinct = 12;
        int copies = 8;
        List<String> deliveries = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            for (int c = 0; c < copies; c++) {
                deliveries.add("dup-" + i);
            }
        }
        Collections.shuffle(deliveries, new Random(11));
        ConcurrentLinkedQueue<String> todo = new ConcurrentLinkedQueue<>(deliveries);
        Map<String, List<Integer>> statuses = new ConcurrentHashMap<>();
        Map<String, Set<String>> ids = new ConcurrentHashMap<>();

        race(CLIENTS, t -> {
            for (String ext; (ext = todo.poll()) != null; ) {
                JsonHttp.Response r = http.post("/api/v1/conversations", JsonHttp.refundConversation("app", ext));
                statuses.computeIfAbsent(ext, k -> Collections.synchronizedList(new ArrayList<>())).add(r.status());
                ids.computeIfAbsent(ext, k -> ConcurrentHashMap.newKeySet()).add(String.valueOf(r.text("id")));
            }
            return null;
        });

        MongoDatabase db = app.bean(MongoDatabase.class);
        List<String> conversationIds = new ArrayList<>();
        for (int i = 0; i < distinct; i++) {
            String ext = "dup-" + i;
            assertThat(statuses.get(ext)).as(ext).hasSize(copies)
                    .containsOnly(200, 201).filteredOn(s -> s == 201).hasSize(1);
            assertThat(ids.get(ext)).as("every copy of %s answers with the same conversation", ext).hasSize(1);
            assertThat(db.getCollection("conversations")
                    .countDocuments(new Document("channel", "app").append("externalId", ext))).isEqualTo(1);
            String id = ids.get(ext).iterator().next();
            conversationIds.add(id);
            assertThat(decisions(id)).as("one routing decision for %s", ext)
                    .filteredOn(d -> d.kind() == DecisionKind.ROUTED).hasSize(1);
        }
        assertRosterConsistent(roster, "app", 3);
        assertThat(app.bean(ConversationStore.class).findAssigned())
                .filteredOn(c -> c.channel().equals("app")).hasSize(6);
        assertAssignedAtMostOnce(conversationIds);
    }

    // ---------------------------------------------------------------- helpers

    void registerOnline(List<String> roster, Map<String, Integer> capacity) {
        for (String id : roster) {
            JsonHttp.Response put = http.put("/api/v1/agents/" + id, JsonHttp.agent("Agent " + id, capacity));
            assertThat(put.status()).as(put.raw()).isIn(200, 201);
            JsonHttp.Response online = http.put("/api/v1/agents/" + id + "/presence", Map.of("status", "online"));
            assertThat(online.status()).as(online.raw()).isEqualTo(200);
        }
    }

    /** Posts {@code count} new conversations from all clients at once; returns their ids. */
    List<String> postAll(String channel, String prefix, int count) throws Exception {
        ConcurrentLinkedQueue<Integer> todo = new ConcurrentLinkedQueue<>(IntStream.range(0, count).boxed().toList());
        List<String> ids = Collections.synchronizedList(new ArrayList<>());
        race(CLIENTS, t -> {
            for (Integer n; (n = todo.poll()) != null; ) {
                JsonHttp.Response r = http.post("/api/v1/conversations",
                        JsonHttp.refundConversation(channel, prefix + "-" + n));
                assertThat(r.status()).as(r.raw()).isEqualTo(201);
                assertThat(r.text("status")).isIn("assigned", "queued");
                ids.add(r.text("id"));
            }
            return null;
        });
        return ids;
    }

    JsonNode agent(String id) {
        JsonHttp.Response r = http.get("/api/v1/agents/" + id);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r.body();
    }

    List<String> heldConversations(List<String> roster) {
        List<String> held = new ArrayList<>();
        for (String id : roster) {
            agent(id).path("conversations").forEach(c -> held.add(c.asString()));
        }
        return held;
    }

    List<DecisionRecord> decisions(String conversationId) {
        return app.bean(DecisionLog.class).forConversation(conversationId);
    }

    /**
     * Each agent's load on the channel equals the conversations assigned to it in the store, the
     * conversations it lists are exactly those, it is within capacity, and no conversation is
     * held by two agents.
     */
    void assertRosterConsistent(List<String> roster, String channel, int capacity) {
        Map<String, Set<String>> assignedTo = new HashMap<>();
        for (ConversationRecord c : app.bean(ConversationStore.class).findAssigned()) {
            assignedTo.computeIfAbsent(c.agentId(), k -> new HashSet<>()).add(c.id());
        }
        Set<String> seen = new HashSet<>();
        for (String id : roster) {
            JsonNode a = agent(id);
            List<String> held = new ArrayList<>();
            a.path("conversations").forEach(c -> held.add(c.asString()));
            Set<String> expected = assignedTo.getOrDefault(id, Set.of());
            assertThat(a.path("load").path(channel).asInt()).as("%s load on %s", id, channel)
                    .isLessThanOrEqualTo(capacity).isEqualTo(expected.size());
            assertThat(held).as("%s holds exactly the conversations assigned to it", id)
                    .containsExactlyInAnyOrderElementsOf(expected);
            for (String c : held) {
                assertThat(seen.add(c)).as("%s held by two agents", c).isTrue();
            }
        }
    }

    /** The decision log shows at most one assignment per conversation, and one for each that was assigned. */
    void assertAssignedAtMostOnce(List<String> conversationIds) {
        ConversationStore store = app.bean(ConversationStore.class);
        for (String id : conversationIds) {
            List<DecisionRecord> trail = decisions(id);
            long assignments = trail.stream().filter(d -> (d.kind() == DecisionKind.ROUTED
                    || d.kind() == DecisionKind.ASSIGNED) && d.chosenAgentId() != null).count();
            assertThat(trail).as("one routing decision for %s", id)
                    .filteredOn(d -> d.kind() == DecisionKind.ROUTED).hasSize(1);
            ConversationRecord c = store.find(id).orElseThrow();
            boolean wasAssigned = c.agentId() != null;
            assertThat(assignments).as("assignments on record for %s (%s)", id, c.status())
                    .isEqualTo(wasAssigned ? 1 : 0);
            if (wasAssigned) {
                assertThat(trail).filteredOn(d -> d.chosenAgentId() != null && d.kind() != DecisionKind.CLOSED)
                        .extracting(DecisionRecord::chosenAgentId).containsOnly(c.agentId());
            }
        }
    }
}
