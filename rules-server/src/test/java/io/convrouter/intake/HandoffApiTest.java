package io.convrouter.intake;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ClockedApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * Bot handoff over REST: POST /api/v1/conversations/{id}/handoff re-classifies a conversation the
 * bot holds with what the bot learned (rule "Bot handoff intent" in rules/guards.drl trusts the
 * bot's intent at confidence 0.6 or more) and routes it to a human, writing a handed_off decision.
 * The guards still hold (a blacklisted customer stays with the bot), and only a conversation with
 * the bot, a message or a call back can be handed off.
 *
 * <p>A regular customer reaches the bot here through the test workbench's wait limit on the
 * general queue: with nobody online who speaks the test's language, the wait is unknown and the
 * conversation goes to the bot.
 */
class HandoffApiTest extends ClockedApiTestSupport {
    static final String GREETING = "你好"; // no intent: queue general
    static final String PRICE_TEXT = "这款羽绒服的价格是多少"; // intent price: queue sales (offers)

    /** A conversation the bot holds: general queue, nobody online for the language, over the wait limit. */
    private JsonNode withTheBot(String text, String lang) {
        JsonNode c = create(request(text, lang));
        assertThat(c.get("status").asString()).as("%s", c).isEqualTo("bot");
        return c;
    }

    private ApiClient.Response handoff(String id, Object body) {
        return api.post("/api/v1/conversations/" + id + "/handoff", body);
    }

    private static List<String> ruleNames(JsonNode decision) {
        List<String> names = new ArrayList<>();
        decision.get("rulesFired").forEach(r -> names.add(r.get("name").asString()));
        return names;
    }

    @Test
    void theBotHandsOffWithItsIntentAndTheConversationGoesToAnAgent() {
        String lang = newLanguage();
        JsonNode c = withTheBot(GREETING, lang);
        String id = c.get("id").asString();
        assertThat(c.get("queue").asString()).isEqualTo("general");
        assertThat(c.get("agentId").isNull()).isTrue();
        JsonNode routed = lastDecision(id);
        assertThat(routed.get("kind").asString()).isEqualTo("routed");
        assertThat(routed.get("outcome").asString()).isEqualTo("bot");
        assertThat(routed.get("reason").asString()).contains("estimated wait in queue general is unknown")
                .contains("sent to bot");
        ApiClient.Response notWaiting = api.get("/api/v1/conversations/" + id + "/position");
        assertProblem(notWaiting, 409, null);
        assertThat(notWaiting.text("detail")).contains("is bot");

        // An agent coming online does not take what the bot holds.
        String agent = onlineAgent(lang, 2); // refund 4, general 3
        assertThat(conversation(id).get("status").asString()).isEqualTo("bot");

        clock.advance(Duration.ofSeconds(90));
        Instant handedAt = now();
        ApiClient.Response r = handoff(id, obj("intent", "refund", "confidence", 0.92,
                "reason", "customer asked for a person", "summary", "order 123 never shipped; wants the money back"));

        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.text("status")).isEqualTo("assigned");
        assertThat(r.text("agentId")).isEqualTo(agent);
        assertThat(r.text("intent")).isEqualTo("refund");
        assertThat(r.text("queue")).isEqualTo("after-sales");
        assertThat(r.json().get("requiredSkills").get("refund").asInt()).isEqualTo(3);
        assertThat(r.json().get("botFirst").asBoolean()).isFalse();
        JsonNode stored = conversation(id);
        assertThat(stored.get("status").asString()).isEqualTo("assigned");
        assertThat(stored.get("queue").asString()).isEqualTo("after-sales");
        assertThat(stored.get("createdAt").asString()).isEqualTo(c.get("createdAt").asString());

        List<JsonNode> trail = trail(id);
        assertThat(kinds(trail)).containsExactly("routed", "handed_off");
        JsonNode handed = trail.get(1);
        assertThat(Instant.parse(handed.get("at").asString())).isEqualTo(handedAt);
        assertThat(handed.get("outcome").asString()).isEqualTo("assigned");
        assertThat(handed.get("chosenAgentId").asString()).isEqualTo(agent);
        assertThat(handed.get("reason").asString()).contains("bot handed off (customer asked for a person)")
                .contains("bot intent refund at confidence 0.92").contains("assigned to " + agent);
        assertThat(ruleNames(handed)).contains("Bot handoff intent");
        assertThat(handed.get("plan").get("intent").asString()).isEqualTo("refund");
        JsonNode bot = handed.get("input").get("handoff");
        assertThat(bot.get("intent").asString()).isEqualTo("refund");
        assertThat(bot.get("confidence").asDouble()).isEqualTo(0.92);
        assertThat(bot.get("reason").asString()).isEqualTo("customer asked for a person");
        assertThat(bot.get("summary").asString()).contains("order 123");
        assertThat(agent(agent).get("conversations").toString()).contains(id);

        // Handed off once: it is an agent's now, so a second handoff is a conflict.
        ApiClient.Response again = handoff(id, obj("intent", "refund", "confidence", 0.9));
        assertProblem(again, 409, null);
        assertThat(again.text("detail")).contains("is assigned");
        assertThat(kinds(trail(id))).containsExactly("routed", "handed_off");
    }

    @Test
    void belowTheConfidenceThresholdTheRulesKeepTheirOwnIntent() {
        String lang = newLanguage();
        String unsure = withTheBot(GREETING, lang).get("id").asString();
        String sure = withTheBot(GREETING, lang).get("id").asString();
        onlineAgent(lang, 2);

        JsonNode low = handoff(unsure, obj("intent", "refund", "confidence", 0.59, "reason", "unsure")).json();
        assertThat(low.get("intent").isNull()).as("%s", low).isTrue();
        assertThat(low.get("queue").asString()).isEqualTo("general");
        assertThat(ruleNames(lastDecision(unsure))).doesNotContain("Bot handoff intent");

        JsonNode atThreshold = handoff(sure, obj("intent", "refund", "confidence", 0.6)).json();
        assertThat(atThreshold.get("intent").asString()).isEqualTo("refund");
        assertThat(atThreshold.get("queue").asString()).isEqualTo("after-sales");
        assertThat(ruleNames(lastDecision(sure))).contains("Bot handoff intent");
    }

    @Test
    void aHandoffWithoutDetailsRoutesWithWhatTheCustomerWrote() {
        String lang = newLanguage();
        String id = withTheBot(GREETING, lang).get("id").asString();
        ApiClient.Response r = api.post("/api/v1/conversations/" + id + "/handoff");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        // Still nobody for the language: it waits in its queue now, with its place, from the handoff on.
        assertThat(r.text("status")).isEqualTo("queued");
        assertThat(r.text("queue")).isEqualTo("general");
        assertThat(r.json().get("queuePosition").asInt()).isPositive();
        assertThat(r.json().get("estimatedWaitSeconds").isNull()).isTrue();
        JsonNode position = api.get("/api/v1/conversations/" + id + "/position").json();
        assertThat(position.get("waitedSeconds").asLong()).isZero();
        clock.advance(Duration.ofSeconds(12));
        assertThat(api.get("/api/v1/conversations/" + id + "/position").json().get("waitedSeconds").asLong())
                .isEqualTo(12);
        JsonNode handed = lastDecision(id);
        assertThat(handed.get("kind").asString()).isEqualTo("handed_off");
        assertThat(handed.get("outcome").asString()).isEqualTo("queued");
        assertThat(handed.get("reason").asString()).contains("waiting in queue general");
        assertProblem(handoff(id, obj()), 409, null);

        // An agent for the language takes it from the queue like any waiting conversation.
        String agent = onlineAgent(lang, 1);
        assertThat(conversation(id).get("agentId").asString()).isEqualTo(agent);
        assertThat(kinds(trail(id))).containsExactly("routed", "handed_off", "assigned");
    }

    @Test
    void aHandoffIntoAnOfferQueueIsAnOfferTheAgentAccepts() {
        String lang = newLanguage();
        String id = withTheBot(GREETING, lang).get("id").asString();
        String seller = onlineAgent(agentProfile(lang, obj("sales", 3), 1));

        JsonNode offered = handoff(id, obj("intent", "price", "confidence", 0.8)).json();
        assertThat(offered.get("queue").asString()).isEqualTo("sales");
        assertThat(offered.get("status").asString()).isEqualTo("offered");
        assertThat(offered.get("agentId").asString()).isEqualTo(seller);
        assertThat(Instant.parse(offered.get("offerExpiresAt").asString())).isEqualTo(now().plusSeconds(20));
        assertThat(lastDecision(id).get("reason").asString()).contains("offered to " + seller);

        assertThat(api.post("/api/v1/conversations/" + id + "/accept", obj("agentId", seller)).status()).isEqualTo(200);
        assertThat(kinds(trail(id))).containsExactly("routed", "handed_off", "accepted");
    }

    @Test
    void aBlacklistedCustomerStaysWithTheBot() {
        String lang = newLanguage();
        onlineAgent(lang, 2);
        Map<String, Object> request = refundRequest(lang);
        request.put("customer", obj("id", unique("cust"), "tier", "blacklist"));
        JsonNode c = create(request);
        String id = c.get("id").asString();
        assertThat(c.get("status").asString()).isEqualTo("bot");
        assertThat(c.get("queue").asString()).isEqualTo("bot");
        assertThat(c.get("botFirst").asBoolean()).isTrue();
        assertThat(lastDecision(id).get("reason").asString()).contains("bot first");

        ApiClient.Response r = handoff(id, obj("intent", "refund", "confidence", 0.99, "reason", "wants a person"));

        assertProblem(r, 409, null);
        assertThat(r.text("detail")).contains("Blacklisted customers to the bot").contains("cannot be handed to an agent");
        JsonNode still = conversation(id);
        assertThat(still.get("status").asString()).isEqualTo("bot");
        assertThat(still.get("queue").asString()).isEqualTo("bot");
        assertThat(still.get("agentId").isNull()).isTrue();
        assertThat(kinds(trail(id))).containsExactly("routed");
    }

    @Test
    void onlyAConversationWithTheBotAMessageOrACallBackCanBeHandedOff() {
        String lang = newLanguage();
        String agent = onlineAgent(lang, 1);
        String assigned = create(refundRequest(lang)).get("id").asString();
        String queued = create(refundRequest(lang)).get("id").asString();
        Map<String, Object> body = obj("intent", "refund", "confidence", 0.9);

        ApiClient.Response r = handoff(assigned, body);
        assertProblem(r, 409, null);
        assertThat(r.text("detail")).contains("is assigned").contains("only a conversation with the bot, a message or a call back");
        assertProblem(handoff(queued, body), 409, null);
        close(assigned, "resolved", null);
        assertThat(conversation(queued).get("agentId").asString()).isEqualTo(agent);
        ApiClient.Response closed = handoff(assigned, body);
        assertProblem(closed, 409, null);
        assertThat(closed.text("detail")).contains("is closed");
        assertThat(kinds(trail(assigned))).doesNotContain("handed_off");

        ApiClient.Response missing = handoff("no-such-conversation", body);
        assertProblem(missing, 404, null);
        assertThat(missing.text("detail")).contains("no-such-conversation");
    }

    @Test
    void invalidHandoffDetailsAre400ProblemsNamingTheField() {
        String lang = newLanguage();
        String id = withTheBot(GREETING, lang).get("id").asString();

        for (double confidence : new double[] {1.01, -0.1, 2, 100}) {
            ApiClient.Response r = handoff(id, obj("intent", "refund", "confidence", confidence));
            assertProblem(r, 400, "confidence");
            assertThat(r.json().get("errors").get(0).get("message").asString()).contains("between 0 and 1");
        }
        assertProblem(handoff(id, obj("intent", "refund", "confidence", "high")), 400, "confidence");
        assertProblem(handoff(id, obj("intent", "refund", "confidense", 0.9)), 400, "confidense");
        assertProblem(handoff(id, obj("intent", List.of("refund"), "confidence", 0.9)), 400, "intent");
        assertProblem(api.postRaw("/api/v1/conversations/" + id + "/handoff", "{\"intent\": \"refund\",",
                "application/json"), 400, null);
        // Range is checked before anything else, so an unknown conversation with a bad confidence is a 400 too.
        assertProblem(handoff("no-such-conversation", obj("confidence", 1.5)), 400, "confidence");

        // None of them changed the conversation or wrote a decision.
        assertThat(conversation(id).get("status").asString()).isEqualTo("bot");
        assertThat(kinds(trail(id))).containsExactly("routed");

        // The edges of the range are fine.
        assertThat(handoff(id, obj("intent", "refund", "confidence", 1.0)).status()).isEqualTo(200);
        String other = withTheBot(GREETING, lang).get("id").asString();
        assertThat(handoff(other, obj("intent", "refund", "confidence", 0)).status()).isEqualTo(200);
    }
}
