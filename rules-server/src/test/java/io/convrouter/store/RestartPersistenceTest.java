package io.convrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convrouter.testing.JsonHttp;
import io.convrouter.testing.RoutingApp;
import tools.jackson.databind.JsonNode;

/**
 * Stop the server and start it again on the same data directory (H2 file backend): agents,
 * conversations and decisions are all there, the waiting queue is rebuilt in its order
 * (priority, then age), and routing carries on where it stopped.
 */
class RestartPersistenceTest {

    @TempDir
    Path dataDir;

    @Test
    void everythingSurvivesARestartAndWorkContinues() {
        Map<String, String> ids = new LinkedHashMap<>();
        Map<String, JsonNode> before = new LinkedHashMap<>();
        Map<String, List<String>> trailsBefore = new LinkedHashMap<>();
        JsonNode agentsBefore;
        long decisionsBefore;

        try (RoutingApp first = RoutingApp.onFile(dataDir)) {
            JsonHttp http = first.http();
            register(http, "p-1", Map.of("web", 2), "online");
            register(http, "p-2", Map.of("web", 1), "online");
            register(http, "p-off", Map.of("web", 5), "offline");
            register(http, "p-away", Map.of("web", 5), "away");

            // Three fill the roster; then two regulars and a VIP wait.
            for (String ext : List.of("e1", "e2", "e3", "e4")) {
                ids.put(ext, post(http, ext, "regular", 201).text("id"));
            }
            ids.put("e5", post(http, "e5", "vip", 201).text("id"));
            ids.put("e6", post(http, "e6", "regular", 201).text("id"));

            for (String ext : List.of("e1", "e2", "e3")) {
                assertThat(conversation(http, ids.get(ext)).text("status")).as(ext).isEqualTo("assigned");
            }
            JsonNode vip = conversation(http, ids.get("e5")).body();
            JsonNode regular = conversation(http, ids.get("e4")).body();
            assertThat(vip.path("priority").asInt()).as("the VIP outranks regular work")
                    .isGreaterThan(regular.path("priority").asInt());
            List<Integer> waiting = queuePositions(http, ids, "e4", "e5", "e6");
            assertThat(waiting.get(0)).as("in one queue the older conversation is ahead").isLessThan(waiting.get(2));

            for (Map.Entry<String, String> e : ids.entrySet()) {
                before.put(e.getKey(), conversation(http, e.getValue()).body());
                trailsBefore.put(e.getKey(), decisionIds(http, e.getValue()));
                assertThat(trailsBefore.get(e.getKey())).as("%s has its routing decision", e.getKey()).isNotEmpty();
            }
            agentsBefore = http.get("/api/v1/agents").body();
            decisionsBefore = http.get("/api/v1/decisions?size=1").body().path("total").asLong();
        }

        try (RoutingApp second = RoutingApp.onFile(dataDir)) {
            JsonHttp http = second.http();

            JsonNode agentsAfter = http.get("/api/v1/agents").body();
            assertThat(agentsAfter).as("agents with profile, presence and load").hasSize(4);
            for (int i = 0; i < agentsAfter.size(); i++) {
                JsonNode a = agentsAfter.get(i);
                JsonNode b = agentsBefore.get(i);
                for (String field : List.of("id", "name", "skills", "languages", "capacity", "status", "load",
                        "conversations")) {
                    assertThat(a.path(field)).as("%s.%s", a.path("id").asString(), field).isEqualTo(b.path(field));
                }
            }

            for (Map.Entry<String, String> e : ids.entrySet()) {
                JsonNode after = conversation(http, e.getValue()).body();
                JsonNode was = before.get(e.getKey());
                for (String field : List.of("id", "status", "agentId", "queue", "priority", "intent", "requiredSkills",
                        "decisionId", "queuePosition", "createdAt", "assignedAt", "rulesetVersion", "text")) {
                    assertThat(after.path(field)).as("%s.%s", e.getKey(), field).isEqualTo(was.path(field));
                }
                assertThat(decisionIds(http, e.getValue())).as("%s decision trail", e.getKey())
                        .isEqualTo(trailsBefore.get(e.getKey()));
            }
            assertThat(http.get("/api/v1/decisions?size=1").body().path("total").asLong()).isEqualTo(decisionsBefore);
            assertThat(queuePositions(http, ids, "e4", "e5", "e6")).as("the queue is rebuilt in order")
                    .isEqualTo(List.of(before.get("e4").path("queuePosition").asInt(),
                            before.get("e5").path("queuePosition").asInt(),
                            before.get("e6").path("queuePosition").asInt()));

            JsonHttp.Response repeat = post(http, "e2", "regular", 200);
            assertThat(repeat.text("id")).as("idempotency outlives the restart").isEqualTo(ids.get("e2"));

            // Work continues: closing an assigned conversation hands its capacity to the head of the queue.
            String freedAgent = before.get("e1").path("agentId").asString();
            JsonHttp.Response closed = http.post("/api/v1/conversations/" + ids.get("e1") + "/close",
                    Map.of("outcome", "resolved", "satisfaction", 5));
            assertThat(closed.status()).as(closed.raw()).isEqualTo(200);
            assertThat(closed.text("status")).isEqualTo("closed");

            JsonHttp.Response head = conversation(http, ids.get("e5"));
            assertThat(head.text("status")).as("the VIP, highest priority though not the oldest, gets the freed place")
                    .isEqualTo("assigned");
            assertThat(head.text("agentId")).isEqualTo(freedAgent);
            assertThat(decisions(http, ids.get("e5"))).extracting(d -> d.path("kind").asString())
                    .containsExactly("routed", "assigned");
            List<Integer> left = queuePositions(http, ids, "e4", "e6");
            assertThat(left.get(0)).isLessThan(left.get(1));

            JsonHttp.Response late = post(http, "e7", "regular", 201);
            assertThat(late.text("status")).isEqualTo("queued");
            assertThat(late.body().path("queuePosition").asInt()).as("behind the older regulars")
                    .isGreaterThan(left.get(1));
            ids.put("e7", late.text("id"));
        }

        // And what happened after the first restart survives the next one.
        try (RoutingApp third = RoutingApp.onFile(dataDir)) {
            JsonHttp http = third.http();
            assertThat(conversation(http, ids.get("e1")).text("status")).isEqualTo("closed");
            assertThat(conversation(http, ids.get("e5")).text("status")).isEqualTo("assigned");
            assertThat(decisions(http, ids.get("e1"))).extracting(d -> d.path("kind").asString())
                    .containsExactly("routed", "closed");
            List<Integer> order = queuePositions(http, ids, "e4", "e6", "e7");
            assertThat(order).isSorted().doesNotHaveDuplicates();
        }
    }

    static void register(JsonHttp http, String id, Map<String, Integer> capacity, String presence) {
        Map<String, Object> body = JsonHttp.agent("Agent " + id, capacity);
        body.put("teams", List.of("vip-desk"));
        JsonHttp.Response put = http.put("/api/v1/agents/" + id, body);
        assertThat(put.status()).as(put.raw()).isIn(200, 201);
        JsonHttp.Response status = http.put("/api/v1/agents/" + id + "/presence", Map.of("status", presence));
        assertThat(status.status()).as(status.raw()).isEqualTo(200);
    }

    static JsonHttp.Response post(JsonHttp http, String externalId, String tier, int expectedStatus) {
        Map<String, Object> body = JsonHttp.refundConversation("web", externalId);
        body.put("customer", Map.of("id", "c-" + externalId, "tier", tier));
        JsonHttp.Response r = http.post("/api/v1/conversations", body);
        assertThat(r.status()).as(r.raw()).isEqualTo(expectedStatus);
        return r;
    }

    static JsonHttp.Response conversation(JsonHttp http, String id) {
        JsonHttp.Response r = http.get("/api/v1/conversations/" + id);
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        return r;
    }

    static List<Integer> queuePositions(JsonHttp http, Map<String, String> ids, String... externalIds) {
        List<Integer> positions = new ArrayList<>();
        for (String ext : externalIds) {
            JsonHttp.Response r = conversation(http, ids.get(ext));
            assertThat(r.text("status")).as(ext).isEqualTo("queued");
            positions.add(r.body().path("queuePosition").asInt());
        }
        return positions;
    }

    static List<JsonNode> decisions(JsonHttp http, String id) {
        JsonHttp.Response r = http.get("/api/v1/conversations/" + id + "/decisions");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<JsonNode> list = new ArrayList<>();
        r.body().forEach(list::add);
        return list;
    }

    static List<String> decisionIds(JsonHttp http, String id) {
        return decisions(http, id).stream().map(d -> d.path("id").asString()).toList();
    }
}
