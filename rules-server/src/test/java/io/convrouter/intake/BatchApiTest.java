package io.convrouter.intake;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * Bulk intake for comment floods: each item gets its own result or its own problem, good items
 * are routed and logged exactly as single intake would, bad ones leave nothing behind.
 */
class BatchApiTest extends ApiTestSupport {
    private static final String BATCH = "/api/v1/conversations/batch";

    private static Map<String, Object> comment(String channel, String text, String language) {
        return obj("channel", channel, "externalId", unique("dm"), "text", text, "language", language,
                "customer", obj("id", unique("viewer"), "tier", "regular"));
    }

    @Test
    void aBatchWithGoodAndBadItemsAnswersEachOnItsOwn() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 5);
        Map<String, Object> refund = refundRequest(lang);
        Map<String, Object> question = comment("live_stream", "主播，这件多少钱", lang);
        Map<String, Object> noise = comment("live_stream", "666", lang);
        Map<String, Object> unknownChannel = comment("fax", "我要退款", lang);
        Map<String, Object> missingText = comment("short_video", "求链接", lang);
        missingText.remove("text");
        List<Object> items = List.of(refund, unknownChannel, question, "not an object", noise, refund, missingText);

        ApiClient.Response r = api.post(BATCH, obj("conversations", items));

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        JsonNode results = r.json().get("results");
        assertThat(results.size()).isEqualTo(items.size());
        for (int i = 0; i < items.size(); i++) {
            assertThat(results.get(i).get("index").asInt()).isEqualTo(i);
        }
        assertThat(statuses(results)).containsExactly(201, 400, 201, 400, 201, 200, 400);
        assertThat(r.json().get("created").asInt()).isEqualTo(3);
        assertThat(r.json().get("repeated").asInt()).isEqualTo(1);
        assertThat(r.json().get("failed").asInt()).isEqualTo(3);

        // The good refund is routed as single intake routes it, and its repeat is the same conversation.
        JsonNode routed = results.get(0).get("conversation");
        assertThat(routed.get("status").asString()).isEqualTo("assigned");
        assertThat(routed.get("agentId").asString()).isEqualTo(agentId);
        assertThat(results.get(5).get("conversation").get("id").asString()).isEqualTo(routed.get("id").asString());
        assertThat(agent(agentId).get("load").get("web").asInt()).as("the repeat took no second place").isEqualTo(1);
        // The question waits for the social or sales queue; the noise is recorded and dropped.
        assertThat(results.get(2).get("conversation").get("status").asString()).isIn("queued", "assigned");
        assertThat(results.get(4).get("conversation").get("status").asString()).isEqualTo("dropped");

        // Each problem names the item and the field, as single intake would name the field.
        assertThat(fields(results.get(1))).contains("conversations[1].channel");
        assertThat(fields(results.get(3))).containsExactly("conversations[3]");
        assertThat(fields(results.get(6))).contains("conversations[6].text");
        assertThat(results.get(1).get("problem").get("detail").asString()).contains("fax");

        // Every created item has its decision; the bad ones left nothing behind.
        for (int i : new int[] {0, 2, 4}) {
            String id = results.get(i).get("conversation").get("id").asString();
            List<JsonNode> trail = trail(id);
            assertThat(kinds(trail)).as("trail of item %d", i).first().isEqualTo("routed");
            assertThat(conversation(id).get("decisionId").asString()).isEqualTo(trail.get(0).get("id").asString());
        }
        List<String> dropReasons = new ArrayList<>();
        trail(results.get(4).get("conversation").get("id").asString()).forEach(d -> dropReasons.add(d.toString()));
        assertThat(String.join(" ", dropReasons)).contains("Comment noise is dropped");
        Map<String, Object> fixed = new java.util.LinkedHashMap<>(unknownChannel);
        fixed.put("channel", "live_stream");
        assertThat(api.post("/api/v1/conversations", fixed).status()).as("the refused item was not stored").isEqualTo(201);
    }

    @Test
    void theSameExternalIdTwiceInOneBatchIsOneConversation() {
        String lang = newLanguage();
        Map<String, Object> c = comment("live_stream", "主播，这件多少钱", lang);

        ApiClient.Response r = api.post(BATCH, obj("conversations", List.of(c, c, c)));

        assertThat(statuses(r.json().get("results"))).containsExactly(201, 200, 200);
        String id = r.json().get("results").get(0).get("conversation").get("id").asString();
        r.json().get("results").forEach(item -> assertThat(item.get("conversation").get("id").asString()).isEqualTo(id));
        assertThat(trail(id)).hasSize(1);
    }

    @Test
    void aBatchOfTheDocumentedMaximumIsTakenAndOneMoreIsRefused() {
        String lang = newLanguage();
        List<Object> max = new ArrayList<>();
        for (int i = 0; i < BatchController.MAX_BATCH; i++) {
            max.add(comment("live_stream", i % 2 == 0 ? "666" : "这件有M码吗", lang));
        }
        ApiClient.Response ok = api.post(BATCH, obj("conversations", max));
        assertThat(ok.status()).as("%s", ok.status()).isEqualTo(200);
        assertThat(ok.json().get("created").asInt()).isEqualTo(BatchController.MAX_BATCH);

        List<Object> tooMany = new ArrayList<>(max);
        tooMany.add(comment("live_stream", "还有吗", lang));
        ApiClient.Response refused = api.post(BATCH, obj("conversations", tooMany));
        assertProblem(refused, 400, "conversations");
        assertThat(refused.text("detail")).contains(String.valueOf(BatchController.MAX_BATCH)).contains("501");
    }

    @Test
    void aBatchThatIsNotABatchIsA400() {
        assertProblem(api.post(BATCH, obj("conversations", List.of())), 400, "conversations");
        assertProblem(api.post(BATCH, obj("items", List.of(comment("web", "hi", "en")))), 400, "conversations");
        assertProblem(api.post(BATCH, obj("conversations", "all of them")), 400, "conversations");
        assertProblem(api.postRaw(BATCH, "{\"conversations\": [", "application/json"), 400, null);
    }

    private static List<Integer> statuses(JsonNode results) {
        List<Integer> statuses = new ArrayList<>();
        results.forEach(item -> statuses.add(item.get("status").asInt()));
        return statuses;
    }

    private static List<String> fields(JsonNode item) {
        assertThat(item.get("status").asInt()).isEqualTo(400);
        assertThat(item.get("conversation") == null || item.get("conversation").isNull()).isTrue();
        List<String> fields = new ArrayList<>();
        item.get("problem").get("errors").forEach(e -> fields.add(e.get("field").asString()));
        return fields;
    }
}
