package io.convrouter.intake;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * The conversation API over real HTTP: the intake contract, idempotency, every validation error
 * as a problem naming the field, and the lifecycle (close and abandon) with its effect on agents
 * and the waiting queue.
 */
class ConversationApiTest extends ApiTestSupport {

    // ------------------------------------------------------------------ intake contract

    @Test
    void aNewConversationIsCreatedWithTheRoutingContract() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 5);
        Map<String, Object> request = obj("channel", "web", "externalId", unique("wx"), "text", REFUND_TEXT,
                "language", lang,
                "customer", obj("id", unique("c"), "tier", "regular", "returning", false, "orderCount", 12,
                        "tags", List.of("high_value")),
                "entry", obj("campaign", "double11", "landingPage", "/product/down-jacket", "businessLine", "apparel"),
                "fields", obj("budget", "5000"));

        ApiClient.Response r = api.post("/api/v1/conversations", request);

        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.location()).isEqualTo("/api/v1/conversations/" + r.json().get("id").asString());
        assertThat(r.contentType()).startsWith("application/json");
        JsonNode body = r.json();
        for (String field : List.of("id", "status", "queue", "priority", "intent", "requiredSkills", "agentId",
                "decisionId")) {
            assertThat(body.has(field)).as("contract field %s in %s", field, body).isTrue();
        }
        assertThat(r.text("id")).isNotBlank();
        assertThat(r.text("status")).isEqualTo("assigned");
        assertThat(r.text("queue")).isEqualTo("after-sales");
        assertThat(r.text("intent")).isEqualTo("refund");
        assertThat(body.get("priority").asInt()).isEqualTo(50);
        assertThat(body.get("requiredSkills").properties()).hasSize(1);
        assertThat(body.get("requiredSkills").get("refund").asInt()).isEqualTo(3);
        assertThat(r.text("agentId")).isEqualTo(agentId);
        assertThat(r.text("decisionId")).isNotBlank();

        // What was stored is what was answered.
        JsonNode stored = conversation(r.text("id"));
        assertThat(stored.get("id").asString()).isEqualTo(r.text("id"));
        assertThat(stored.get("status").asString()).isEqualTo("assigned");
        assertThat(stored.get("agentId").asString()).isEqualTo(agentId);
        assertThat(stored.get("decisionId").asString()).isEqualTo(r.text("decisionId"));
        assertThat(stored.get("customer").get("orderCount").asInt()).isEqualTo(12);
        assertThat(stored.get("entry").get("campaign").asString()).isEqualTo("double11");
    }

    @Test
    void withNoAgentThatCanTakeItTheConversationIsQueuedWithItsPosition() {
        String lang = newLanguage();

        ApiClient.Response r = api.post("/api/v1/conversations", refundRequest(lang));

        assertThat(r.status()).isEqualTo(201);
        assertThat(r.text("status")).isEqualTo("queued");
        assertThat(r.json().has("agentId")).as("agentId is present, as null").isTrue();
        assertThat(r.json().get("agentId").isNull()).isTrue();
        assertThat(r.text("decisionId")).isNotBlank();
        // The server's queue is shared with other tests: positions are checked relative to each other.
        int position = r.json().get("queuePosition").asInt();
        assertThat(position).isPositive();
        JsonNode behind = create(refundRequest(lang));
        assertThat(behind.get("queuePosition").asInt()).isEqualTo(position + 1);
    }

    @Test
    void aVipCustomerGoesToTheVipDeskAtHighPriority() {
        String lang = newLanguage();

        JsonNode body = create(vipRefundRequest(lang));

        assertThat(body.get("queue").asString()).isEqualTo("vip-desk");
        assertThat(body.get("team").asString()).isEqualTo("vip-desk");
        assertThat(body.get("priority").asInt()).isEqualTo(90);
        assertThat(body.get("status").asString()).isEqualTo("queued");
    }

    @Test
    void aBlacklistedCustomerGoesToTheBotAndToNoAgent() {
        String lang = newLanguage();
        onlineAgent(lang, 5);
        Map<String, Object> request = refundRequest(lang);
        request.put("customer", obj("id", unique("c"), "tier", "blacklist"));

        JsonNode body = create(request);

        assertThat(body.get("status").asString()).isEqualTo("bot");
        assertThat(body.get("queue").asString()).isEqualTo("bot");
        assertThat(body.get("agentId").isNull()).isTrue();
        assertThat(body.get("decisionId").asString()).isNotBlank();
    }

    // ------------------------------------------------------------------ idempotency

    @Test
    void theSameChannelAndExternalIdAgainReturnsTheSameConversationWith200() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 5);
        Map<String, Object> request = refundRequest(lang);
        JsonNode first = create(request);

        Map<String, Object> again = new LinkedHashMap<>(request);
        again.put("text", "a different text, as a client retrying with a rebuilt body might send");
        ApiClient.Response second = api.post("/api/v1/conversations", again);

        assertThat(second.status()).as("%s", second).isEqualTo(200);
        assertThat(second.text("id")).isEqualTo(first.get("id").asString());
        assertThat(second.text("decisionId")).isEqualTo(first.get("decisionId").asString());
        assertThat(second.text("status")).isEqualTo("assigned");
        assertThat(second.text("agentId")).isEqualTo(agentId);
        assertThat(second.text("text")).isEqualTo(REFUND_TEXT);
        // No second decision and no second unit of the agent's capacity.
        assertThat(trail(first.get("id").asString())).hasSize(1);
        ApiClient.Response byConversation = api.get("/api/v1/decisions?conversationId=" + first.get("id").asString());
        assertThat(byConversation.json().get("total").asLong()).isEqualTo(1);
        assertThat(agent(agentId).get("load").get("web").asInt()).isEqualTo(1);
        assertThat(agent(agentId).get("conversations")).hasSize(1);
    }

    @Test
    void aRepeatOfAQueuedConversationStillReportsItsPlaceInTheQueue() {
        String lang = newLanguage();
        Map<String, Object> request = refundRequest(lang);
        int position = create(request).get("queuePosition").asInt();

        ApiClient.Response again = api.post("/api/v1/conversations", request);

        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("status")).isEqualTo("queued");
        assertThat(again.json().get("queuePosition").asInt()).isEqualTo(position);
    }

    @Test
    void theSameConversationSentManyTimesAtOnceIsCreatedOnce() throws Exception {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 5);
        Map<String, Object> request = refundRequest(lang);

        List<ApiClient.Response> answers = inParallel(8, i -> api.post("/api/v1/conversations", request));

        assertThat(answers).extracting(ApiClient.Response::status).containsOnly(200, 201);
        assertThat(answers).filteredOn(r -> r.status() == 201).hasSize(1);
        assertThat(answers).extracting(r -> r.text("id")).containsOnly(answers.get(0).text("id"));
        String id = answers.get(0).text("id");
        assertThat(trail(id)).hasSize(1);
        assertThat(agent(agentId).get("conversations")).extracting(JsonNode::asString).containsExactly(id);
    }

    @Test
    void manyConversationsAtOnceNeverOverbookAnAgent() throws Exception {
        String lang = newLanguage();
        String first = onlineAgent(lang, 3);
        String second = onlineAgent(lang, 3);

        List<ApiClient.Response> answers = inParallel(30, i -> api.post("/api/v1/conversations", refundRequest(lang)));

        assertThat(answers).extracting(ApiClient.Response::status).containsOnly(201);
        List<String> assigned = answers.stream().filter(r -> "assigned".equals(r.text("status")))
                .map(r -> r.text("id")).toList();
        assertThat(assigned).hasSize(6).doesNotHaveDuplicates();
        assertThat(answers).filteredOn(r -> "queued".equals(r.text("status"))).hasSize(24);
        List<String> held = new ArrayList<>();
        for (String agentId : List.of(first, second)) {
            JsonNode agent = agent(agentId);
            assertThat(agent.get("load").get("web").asInt()).as("load of %s", agentId).isEqualTo(3);
            agent.get("conversations").forEach(c -> held.add(c.asString()));
        }
        assertThat(held).containsExactlyInAnyOrderElementsOf(assigned);
        for (ApiClient.Response r : answers) {
            if ("assigned".equals(r.text("status"))) {
                assertThat(conversation(r.text("id")).get("agentId").asString()).isEqualTo(r.text("agentId"));
            }
        }
    }

    @Test
    void theSameExternalIdOnAnotherChannelIsAnotherConversation() {
        String lang = newLanguage();
        Map<String, Object> web = refundRequest(lang);
        Map<String, Object> app = new LinkedHashMap<>(web);
        app.put("channel", "app");

        JsonNode first = create(web);
        JsonNode second = create(app);

        assertThat(second.get("id").asString()).isNotEqualTo(first.get("id").asString());
    }

    // ------------------------------------------------------------------ validation

    static Stream<Arguments> invalidIntakes() {
        return Stream.of(
                Arguments.of("unknown channel", with("channel", "fax"), "channel"),
                Arguments.of("unknown tier", with("customer", obj("id", "c-1", "tier", "gold")), "customer.tier"),
                Arguments.of("missing channel", without("channel"), "channel"),
                Arguments.of("missing externalId", without("externalId"), "externalId"),
                Arguments.of("blank externalId", with("externalId", "  "), "externalId"),
                Arguments.of("missing text", without("text"), "text"),
                Arguments.of("blank text", with("text", "   "), "text"),
                Arguments.of("text over the limit", with("text", "退".repeat(4001)), "text"),
                Arguments.of("orderCount not a number", with("customer", obj("tier", "regular", "orderCount", "abc")),
                        "customer.orderCount"),
                Arguments.of("negative orderCount", with("customer", obj("tier", "regular", "orderCount", -1)),
                        "customer.orderCount"),
                Arguments.of("returning not a boolean", with("customer", obj("tier", "regular", "returning", "yes")),
                        "customer.returning"),
                Arguments.of("tags not an array", with("customer", obj("tier", "regular", "tags", "vip")),
                        "customer.tags"),
                Arguments.of("customer not an object", with("customer", "c-42"), "customer"),
                Arguments.of("entry not an object", with("entry", List.of("double11")), "entry"),
                Arguments.of("fields not an object", with("fields", List.of("budget")), "fields"),
                Arguments.of("language not a language tag", with("language", "12"), "language"),
                Arguments.of("externalId over 128 characters", with("externalId", "x".repeat(129)), "externalId"),
                Arguments.of("a null among the tags", with("customer", obj("tier", "regular",
                        "tags", Arrays.asList("vip", null))), "customer.tags"),
                Arguments.of("a field with a null value", with("fields", obj("budget", null)), "fields.budget"),
                Arguments.of("orderCount out of range", with("customer", obj("tier", "regular",
                        "orderCount", 10_000_000_000L)), "customer.orderCount"),
                Arguments.of("a misspelt field", with("langauge", "en"), "langauge"),
                Arguments.of("a misspelt customer field", with("customer", obj("tier", "regular", "teir", "vip")),
                        "customer.teir"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidIntakes")
    void invalidIntakeIsA400ProblemNamingTheField(String name, Map<String, Object> body, String field) {
        ApiClient.Response r = api.post("/api/v1/conversations", body);

        assertProblem(r, 400, field);
    }

    @Test
    void aRejectedIntakeStoresNothingSoTheSameExternalIdCanBeSentAgainFixed() {
        String lang = newLanguage();
        Map<String, Object> bad = refundRequest(lang);
        bad.put("customer", obj("tier", "gold"));
        assertProblem(api.post("/api/v1/conversations", bad), 400, "customer.tier");

        Map<String, Object> fixed = new LinkedHashMap<>(bad);
        fixed.put("customer", obj("tier", "vip"));
        ApiClient.Response r = api.post("/api/v1/conversations", fixed);

        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(trail(r.text("id"))).hasSize(1);
    }

    @Test
    void everyProblemInARequestIsListed() {
        ApiClient.Response r = api.post("/api/v1/conversations",
                obj("channel", "fax", "text", "", "customer", obj("tier", "gold")));

        assertProblem(r, 400, "channel");
        assertThat(r.errorFields()).contains("channel", "externalId", "text", "customer.tier");
        // The message says what to use instead.
        JsonNode channelError = errorFor(r, "channel");
        assertThat(channelError.get("message").asString()).contains("fax").contains("wechat");
    }

    @Test
    void textOfExactlyTheLimitIsAcceptedAndCountedInCharactersNotUtf16Units() {
        String lang = newLanguage();
        Map<String, Object> atLimit = refundRequest(lang);
        atLimit.put("text", "退款" + "😀".repeat(3998)); // 4000 characters, 7998 UTF-16 units

        ApiClient.Response r = api.post("/api/v1/conversations", atLimit);

        assertThat(r.status()).as("%s", r.status()).isEqualTo(201);
        Map<String, Object> over = refundRequest(lang);
        over.put("text", "退款" + "😀".repeat(3999));
        ApiClient.Response tooLong = api.post("/api/v1/conversations", over);
        assertProblem(tooLong, 400, "text");
        assertThat(errorFor(tooLong, "text").get("message").asString()).contains("4000");
    }

    @Test
    void aNumberOutOfRangeIsReportedAsSuchNotAsBrokenJson() {
        ApiClient.Response r = api.post("/api/v1/conversations",
                with("customer", obj("tier", "regular", "orderCount", 10_000_000_000L)));

        assertProblem(r, 400, "customer.orderCount");
        assertThat(errorFor(r, "customer.orderCount").get("message").asString())
                .contains("out of range").doesNotContain("not valid JSON");
    }

    @Test
    void malformedJsonIsA400ProblemSayingWhere() {
        ApiClient.Response r = api.postRaw("/api/v1/conversations", "{\"channel\": \"web\", \"externalId\": ",
                "application/json");

        assertProblem(r, 400, null);
        assertThat(r.text("detail")).containsIgnoringCase("JSON");
    }

    @Test
    void aBodyThatIsNotAnObjectIsA400Problem() {
        for (String body : List.of("[1, 2, 3]", "\"just a string\"", "42")) {
            ApiClient.Response r = api.postRaw("/api/v1/conversations", body, "application/json");

            assertProblem(r, 400, null);
            assertThat(r.text("detail")).as("detail for %s", body).containsIgnoringCase("object");
        }
    }

    @Test
    void aMissingBodyIsA400Problem() {
        ApiClient.Response r = api.postRaw("/api/v1/conversations", "", "application/json");

        assertProblem(r, 400, null);
    }

    @Test
    void aBodyThatIsNotJsonIsRefusedAsAProblemNotA500() {
        ApiClient.Response r = api.postRaw("/api/v1/conversations", "channel=web", "text/plain");

        assertProblem(r, 415, null);
    }

    @Test
    void anUnknownConversationIsA404ProblemEverywhere() {
        String id = unique("no-such-conversation");

        assertProblem(api.get("/api/v1/conversations/" + id), 404, null);
        assertProblem(api.post("/api/v1/conversations/" + id + "/close", obj("outcome", "resolved")), 404, null);
        assertProblem(api.post("/api/v1/conversations/" + id + "/abandon"), 404, null);
        ApiClient.Response decisions = api.get("/api/v1/conversations/" + id + "/decisions");
        assertProblem(decisions, 404, null);
        assertThat(decisions.text("detail")).contains(id);
    }

    // ------------------------------------------------------------------ close: validation and conflicts

    @Test
    void closingNeedsAKnownOutcomeAndASatisfactionFrom1To5() {
        String lang = newLanguage();
        onlineAgent(lang, 5);
        String id = create(refundRequest(lang)).get("id").asString();
        String path = "/api/v1/conversations/" + id + "/close";

        assertProblem(api.post(path, obj("outcome", "done")), 400, "outcome");
        assertProblem(api.post(path, obj("satisfaction", 4)), 400, "outcome");
        assertProblem(api.post(path, obj("outcome", "resolved", "satisfaction", 0)), 400, "satisfaction");
        assertProblem(api.post(path, obj("outcome", "resolved", "satisfaction", 6)), 400, "satisfaction");
        assertProblem(api.post(path, obj("outcome", "resolved", "satisfaction", "great")), 400, "satisfaction");
        assertProblem(api.postRaw(path, "{\"outcome\": ", "application/json"), 400, null);

        // None of that closed it.
        assertThat(conversation(id).get("status").asString()).isEqualTo("assigned");
        assertThat(kinds(trail(id))).containsExactly("routed");
    }

    @Test
    void closingWithEachOutcomeAndTheSatisfactionBoundsIsAccepted() {
        String lang = newLanguage();
        onlineAgent(lang, 5);
        Object[][] cases = {{"resolved", 1}, {"unresolved", 5}, {"converted", null}};
        for (Object[] c : cases) {
            String id = create(refundRequest(lang)).get("id").asString();

            JsonNode closed = close(id, (String) c[0], (Integer) c[1]);

            assertThat(closed.get("status").asString()).isEqualTo("closed");
            assertThat(closed.get("outcome").asString()).isEqualTo(c[0]);
            if (c[1] == null) {
                assertThat(closed.get("satisfaction").isNull()).isTrue();
            } else {
                assertThat(closed.get("satisfaction").asInt()).isEqualTo(c[1]);
            }
            assertThat(closed.get("endedAt").isNull()).isFalse();
        }
    }

    @Test
    void closingOrAbandoningAnEndedConversationIsA409Problem() {
        String lang = newLanguage();
        onlineAgent(lang, 5);
        String id = create(refundRequest(lang)).get("id").asString();
        close(id, "resolved", 5);

        ApiClient.Response again = api.post("/api/v1/conversations/" + id + "/close", obj("outcome", "resolved"));
        assertProblem(again, 409, null);
        assertThat(again.text("detail")).contains("closed");
        assertProblem(api.post("/api/v1/conversations/" + id + "/abandon"), 409, null);

        String abandoned = create(refundRequest(lang)).get("id").asString();
        abandon(abandoned);
        assertProblem(api.post("/api/v1/conversations/" + abandoned + "/abandon"), 409, null);
        assertProblem(api.post("/api/v1/conversations/" + abandoned + "/close", obj("outcome", "resolved")), 409,
                null);

        // The first close stands.
        JsonNode stored = conversation(id);
        assertThat(stored.get("status").asString()).isEqualTo("closed");
        assertThat(stored.get("satisfaction").asInt()).isEqualTo(5);
        assertThat(kinds(trail(id))).containsExactly("routed", "closed");
    }

    // ------------------------------------------------------------------ lifecycle

    @Test
    void closingFreesTheAgentAndTheNextConversationByPriorityThenAgeGoesToIt() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 1);
        String first = create(refundRequest(lang)).get("id").asString();
        String regular = create(refundRequest(lang)).get("id").asString();   // priority 50, oldest
        String vipOld = create(vipRefundRequest(lang)).get("id").asString(); // priority 90
        String vipNew = create(vipRefundRequest(lang)).get("id").asString(); // priority 90, newest
        assertThat(conversation(first).get("agentId").asString()).isEqualTo(agentId);
        // Priority first, then age. (The queue is shared with other tests, so positions are relative.)
        int vipOldAt = position(vipOld);
        assertThat(position(vipNew)).isEqualTo(vipOldAt + 1);
        // Positions count within a queue: the regular refund waits in after-sales, the VIPs in vip-desk.
        int regularAt = position(regular);
        assertThat(regularAt).isPositive();

        JsonNode closed = close(first, "resolved", 4);

        assertThat(closed.get("status").asString()).isEqualTo("closed");
        assertThat(closed.get("outcome").asString()).isEqualTo("resolved");
        assertThat(closed.get("satisfaction").asInt()).isEqualTo(4);
        JsonNode next = conversation(vipOld);
        assertThat(next.get("status").asString()).isEqualTo("assigned");
        assertThat(next.get("agentId").asString()).isEqualTo(agentId);
        List<JsonNode> nextTrail = trail(vipOld);
        assertThat(kinds(nextTrail)).containsExactly("routed", "assigned");
        JsonNode assigned = nextTrail.get(1);
        assertThat(assigned.get("chosenAgentId").asString()).isEqualTo(agentId);
        assertThat(assigned.get("conversationId").asString()).isEqualTo(vipOld);
        assertThat(assigned.get("outcome").asString()).isEqualTo("assigned");
        assertThat(kinds(trail(first))).containsExactly("routed", "closed");
        JsonNode agent = agent(agentId);
        assertThat(agent.get("load").get("web").asInt()).isEqualTo(1);
        assertThat(agent.get("conversations")).extracting(JsonNode::asString).containsExactly(vipOld);
        assertThat(position(vipNew)).isEqualTo(vipOldAt);
        assertThat(position(regular)).isEqualTo(regularAt);

        close(vipOld, "converted", null);
        assertThat(conversation(vipNew).get("agentId").asString()).isEqualTo(agentId);
        close(vipNew, "unresolved", 2);
        assertThat(conversation(regular).get("agentId").asString()).isEqualTo(agentId);
        assertThat(conversation(regular).get("status").asString()).isEqualTo("assigned");
    }

    @Test
    void closingTheLastConversationLeavesTheAgentWithNoLoad() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 2);
        String id = create(refundRequest(lang)).get("id").asString();
        assertThat(agent(agentId).get("totalLoad").asInt()).isEqualTo(1);

        close(id, "resolved", null);

        JsonNode agent = agent(agentId);
        assertThat(agent.get("load").get("web").asInt()).isZero();
        assertThat(agent.get("totalLoad").asInt()).isZero();
        assertThat(agent.get("conversations")).isEmpty();
        assertThat(agent.get("lastFreedAt").isNull()).isFalse();
    }

    @Test
    void abandoningAQueuedConversationTakesItOutOfTheQueue() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 1);
        String busy = create(refundRequest(lang)).get("id").asString();
        String leaving = create(vipRefundRequest(lang)).get("id").asString();
        String staying = create(refundRequest(lang)).get("id").asString();
        int stayingAt = position(staying);
        assertThat(position(leaving)).isPositive();

        JsonNode abandoned = abandon(leaving);

        assertThat(abandoned.get("status").asString()).isEqualTo("abandoned");
        assertThat(abandoned.get("queuePosition").isNull()).isTrue();
        assertThat(abandoned.get("agentId").isNull()).isTrue();
        // The VIP waited in vip-desk, the regular one in after-sales: its place in its own queue stands.
        assertThat(position(staying)).isEqualTo(stayingAt);
        assertThat(kinds(trail(leaving))).containsExactly("routed", "abandoned");

        // When the agent frees up, the abandoned conversation is skipped although it had the higher priority.
        close(busy, "resolved", null);
        assertThat(conversation(leaving).get("status").asString()).isEqualTo("abandoned");
        assertThat(conversation(leaving).get("agentId").isNull()).isTrue();
        assertThat(conversation(staying).get("agentId").asString()).isEqualTo(agentId);
        assertThat(agent(agentId).get("conversations")).extracting(JsonNode::asString).containsExactly(staying);
    }

    @Test
    void abandoningAnAssignedConversationFreesTheAgentForTheNextOne() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 1);
        String leaving = create(refundRequest(lang)).get("id").asString();
        String waiting = create(refundRequest(lang)).get("id").asString();
        assertThat(conversation(waiting).get("status").asString()).isEqualTo("queued");

        JsonNode abandoned = abandon(leaving);

        assertThat(abandoned.get("status").asString()).isEqualTo("abandoned");
        assertThat(abandoned.get("agentId").asString()).as("keeps who had it").isEqualTo(agentId);
        assertThat(conversation(waiting).get("status").asString()).isEqualTo("assigned");
        assertThat(conversation(waiting).get("agentId").asString()).isEqualTo(agentId);
        assertThat(agent(agentId).get("conversations")).extracting(JsonNode::asString).containsExactly(waiting);
        assertThat(kinds(trail(leaving))).containsExactly("routed", "abandoned");
        assertThat(kinds(trail(waiting))).containsExactly("routed", "assigned");

        abandon(waiting);
        JsonNode agent = agent(agentId);
        assertThat(agent.get("load").get("web").asInt()).isZero();
        assertThat(agent.get("conversations")).isEmpty();
    }

    @Test
    void aBotConversationCanBeClosed() {
        String lang = newLanguage();
        Map<String, Object> request = refundRequest(lang);
        request.put("customer", obj("tier", "blacklist"));
        String id = create(request).get("id").asString();

        JsonNode closed = close(id, "resolved", null);

        assertThat(closed.get("status").asString()).isEqualTo("closed");
        assertThat(kinds(trail(id))).containsExactly("routed", "closed");
    }

    // ------------------------------------------------------------------ helpers

    private int position(String conversationId) {
        JsonNode c = conversation(conversationId);
        assertThat(c.get("status").asString()).as("status of %s", conversationId).isEqualTo("queued");
        return c.get("queuePosition").asInt();
    }

    /** Runs {@code count} calls on 8 threads, all released at once; returns the answers in call order. */
    private static List<ApiClient.Response> inParallel(int count, IntFunction<ApiClient.Response> call)
            throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<ApiClient.Response>> futures = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                int n = i;
                futures.add(pool.submit(() -> {
                    start.await();
                    return call.apply(n);
                }));
            }
            start.countDown();
            List<ApiClient.Response> answers = new ArrayList<>();
            for (Future<ApiClient.Response> f : futures) {
                answers.add(f.get(2, TimeUnit.MINUTES));
            }
            return answers;
        } finally {
            pool.shutdownNow();
        }
    }

    private static JsonNode errorFor(ApiClient.Response r, String field) {
        for (JsonNode e : r.json().get("errors")) {
            if (e.get("field").asString().equals(field)) {
                return e;
            }
        }
        throw new AssertionError("no error for " + field + " in " + r);
    }

    /** A valid refund request with one field replaced. */
    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = validBody();
        body.put(field, value);
        return body;
    }

    private static Map<String, Object> without(String field) {
        Map<String, Object> body = validBody();
        body.remove(field);
        return body;
    }

    private static Map<String, Object> validBody() {
        return obj("channel", "web", "externalId", unique("invalid"), "text", REFUND_TEXT, "language", "zh",
                "customer", obj("id", "c-1", "tier", "regular"));
    }
}
