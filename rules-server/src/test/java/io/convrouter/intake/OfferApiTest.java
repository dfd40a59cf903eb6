package io.convrouter.intake;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ClockedApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * Offers over REST, on a clock the test moves: the sales queue offers each conversation to an
 * agent (autoAccept false, offerTimeoutSeconds 20, reclaimAfterSeconds 60, round robin). Accept,
 * reject and timeout, each re-routing at once to the next agent and never back to one who
 * declined; first reply against no-reply reclaim; every validation error of the three endpoints.
 * Each step is checked in the conversation's decision trail.
 */
class OfferApiTest extends ClockedApiTestSupport {
    /** Classified as intent price, queue sales, skill sales 2 (see rules/routing.drl.xlsx, "Pre-sales questions"). */
    static final String PRICE_TEXT = "这款羽绒服的价格是多少";
    static final int OFFER_TIMEOUT = 20;
    static final int RECLAIM_AFTER = 60;

    private Map<String, Object> salesAgent(String language, int webCapacity) {
        return agentProfile(language, obj("sales", 3, "general", 2), webCapacity);
    }

    private String onlineSalesAgent(String language, int webCapacity) {
        return onlineAgent(salesAgent(language, webCapacity));
    }

    private JsonNode askPrice(String language) {
        JsonNode c = create(request(PRICE_TEXT, language));
        assertThat(c.get("queue").asString()).as("%s", c).isEqualTo("sales");
        return c;
    }

    private ApiClient.Response act(String action, String conversationId, String agentId) {
        return api.post("/api/v1/conversations/" + conversationId + "/" + action, obj("agentId", agentId));
    }

    private JsonNode ok(ApiClient.Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    private static List<String> declinedBy(JsonNode c) {
        List<String> ids = new ArrayList<>();
        c.get("declinedBy").forEach(n -> ids.add(n.asString()));
        return ids;
    }

    private static List<String> candidatesExcludedBecause(JsonNode decision, String agentId) {
        for (JsonNode cand : decision.get("candidates")) {
            if (cand.get("agentId").asString().equals(agentId)) {
                List<String> reasons = new ArrayList<>();
                cand.get("excludedBecause").forEach(n -> reasons.add(n.asString()));
                return reasons;
            }
        }
        return null;
    }

    // ------------------------------------------------------------------ offer and accept

    @Test
    void aSalesConversationIsOfferedAndAssignedOnlyWhenTheAgentAccepts() {
        String lang = newLanguage();
        String agent = onlineSalesAgent(lang, 2);
        Instant offeredAt = now();

        JsonNode c = askPrice(lang);

        assertThat(c.get("status").asString()).isEqualTo("offered");
        assertThat(c.get("agentId").asString()).isEqualTo(agent);
        assertThat(Instant.parse(c.get("offerExpiresAt").asString())).isEqualTo(offeredAt.plusSeconds(OFFER_TIMEOUT));
        assertThat(c.get("acceptedAt").isNull()).isTrue();
        String id = c.get("id").asString();
        // The offer holds a place of the agent's capacity.
        assertThat(agent(agent).get("load").get("web").asInt()).isEqualTo(1);
        assertThat(agent(agent).get("conversations").toString()).contains(id);
        JsonNode routed = lastDecision(id);
        assertThat(routed.get("kind").asString()).isEqualTo("routed");
        assertThat(routed.get("outcome").asString()).isEqualTo("offered");
        assertThat(routed.get("chosenAgentId").asString()).isEqualTo(agent);
        assertThat(routed.get("reason").asString()).contains("must accept within " + OFFER_TIMEOUT + " s");

        clock.advance(Duration.ofSeconds(5));
        JsonNode accepted = ok(act("accept", id, agent));

        assertThat(accepted.get("status").asString()).isEqualTo("assigned");
        assertThat(accepted.get("agentId").asString()).isEqualTo(agent);
        assertThat(Instant.parse(accepted.get("acceptedAt").asString())).isEqualTo(offeredAt.plusSeconds(5));
        assertThat(accepted.get("offerExpiresAt").isNull()).isTrue();
        assertThat(conversation(id).get("status").asString()).isEqualTo("assigned");
        List<JsonNode> trail = trail(id);
        assertThat(kinds(trail)).containsExactly("routed", "accepted");
        assertThat(trail.get(1).get("chosenAgentId").asString()).isEqualTo(agent);
        assertThat(trail.get(1).get("outcome").asString()).isEqualTo("accepted");
        assertThat(Instant.parse(trail.get(1).get("at").asString())).isEqualTo(offeredAt.plusSeconds(5));

        // The offer's timer is void once accepted: nothing happens when it would have expired.
        advanceAndTick(Duration.ofSeconds(OFFER_TIMEOUT));
        assertThat(conversation(id).get("status").asString()).isEqualTo("assigned");
        assertThat(kinds(trail(id))).containsExactly("routed", "accepted");
        assertThat(agent(agent).get("load").get("web").asInt()).isEqualTo(1);
    }

    @Test
    void acceptingTwiceOrForAnotherAgentIsAConflict() {
        String lang = newLanguage();
        String agent = onlineSalesAgent(lang, 1);
        String other = onlineSalesAgent(newLanguage(), 1);
        String id = askPrice(lang).get("id").asString();

        ApiClient.Response wrongAgent = act("accept", id, other);
        assertProblem(wrongAgent, 409, null);
        assertThat(wrongAgent.text("detail")).contains(id).contains(other).contains("not offered");
        ApiClient.Response unknownAgent = act("accept", id, "nobody-" + lang);
        assertProblem(unknownAgent, 409, null);
        assertThat(conversation(id).get("status").asString()).isEqualTo("offered");

        ok(act("accept", id, agent));
        ApiClient.Response twice = act("accept", id, agent);
        assertProblem(twice, 409, null);
        assertThat(twice.text("detail")).contains("not offered to agent " + agent);
        // Neither refusal wrote a decision or moved the conversation.
        assertThat(kinds(trail(id))).containsExactly("routed", "accepted");
        assertThat(conversation(id).get("agentId").asString()).isEqualTo(agent);

        // Rejecting what is already accepted is a conflict too: it stays with the agent.
        assertProblem(act("reject", id, agent), 409, null);
        assertThat(conversation(id).get("status").asString()).isEqualTo("assigned");
    }

    @Test
    void aConversationInAnAutoAcceptQueueCannotBeAcceptedOrRejected() {
        String lang = newLanguage();
        String agent = onlineAgent(lang, 2); // refund 4: the refund request goes to after-sales, assigned at once
        JsonNode c = create(refundRequest(lang));
        assertThat(c.get("status").asString()).isEqualTo("assigned");

        assertProblem(act("accept", c.get("id").asString(), agent), 409, null);
        assertProblem(act("reject", c.get("id").asString(), agent), 409, null);
        assertThat(conversation(c.get("id").asString()).get("status").asString()).isEqualTo("assigned");
    }

    // ------------------------------------------------------------------ reject

    @Test
    void aRejectedOfferGoesToTheNextAgentAtOnceAndNeverBack() {
        String lang = newLanguage();
        String first = onlineSalesAgent(lang, 1);
        String second = onlineSalesAgent(lang, 1);
        JsonNode c = askPrice(lang);
        String id = c.get("id").asString();
        String createdAt = c.get("createdAt").asString();
        String offeredTo = c.get("agentId").asString();
        String next = offeredTo.equals(first) ? second : first;

        assertProblem(act("reject", id, next), 409, null); // not offered to that one
        clock.advance(Duration.ofSeconds(3));
        JsonNode afterReject = ok(act("reject", id, offeredTo));

        assertThat(afterReject.get("status").asString()).isEqualTo("offered");
        assertThat(afterReject.get("agentId").asString()).isEqualTo(next);
        assertThat(declinedBy(afterReject)).containsExactly(offeredTo);
        assertThat(afterReject.get("reroutes").asInt()).isEqualTo(1);
        assertThat(afterReject.get("createdAt").asString()).isEqualTo(createdAt);
        assertThat(Instant.parse(afterReject.get("offerExpiresAt").asString()))
                .isEqualTo(now().plusSeconds(OFFER_TIMEOUT));
        assertThat(agent(offeredTo).get("load").get("web").asInt()).as("capacity handed back").isZero();

        List<JsonNode> trail = trail(id);
        assertThat(kinds(trail)).containsExactly("routed", "rejected", "offered");
        JsonNode rejected = trail.get(1);
        assertThat(rejected.get("chosenAgentId").asString()).isEqualTo(offeredTo);
        assertThat(rejected.get("reason").asString()).contains(offeredTo).contains("rejected");
        JsonNode reoffered = trail.get(2);
        assertThat(reoffered.get("chosenAgentId").asString()).isEqualTo(next);
        assertThat(candidatesExcludedBecause(reoffered, offeredTo))
                .contains("declined or let this conversation time out before");

        // The second agent rejects too: nobody is left who has not declined it, so it waits,
        // even though the first agent is online with spare capacity.
        JsonNode waiting = ok(act("reject", id, next));
        assertThat(waiting.get("status").asString()).isEqualTo("queued");
        assertThat(waiting.get("agentId").isNull()).isTrue();
        assertThat(declinedBy(waiting)).containsExactlyInAnyOrder(offeredTo, next);
        assertThat(waiting.get("queuePosition").asInt()).isPositive();
        assertThat(kinds(trail(id))).containsExactly("routed", "rejected", "offered", "rejected");

        // Presence and profile changes of those who declined do not bring it back to them.
        setPresence(offeredTo, "busy");
        setPresence(offeredTo, "online");
        putAgent(next, salesAgent(lang, 3));
        advanceAndTick(Duration.ofSeconds(OFFER_TIMEOUT + 1));
        assertThat(conversation(id).get("status").asString()).isEqualTo("queued");
        assertProblem(act("reject", id, offeredTo), 409, null);
        assertProblem(act("accept", id, offeredTo), 409, null);

        // A third agent gets it at once, with its original age.
        String third = onlineSalesAgent(lang, 1);
        JsonNode now = conversation(id);
        assertThat(now.get("status").asString()).isEqualTo("offered");
        assertThat(now.get("agentId").asString()).isEqualTo(third);
        assertThat(now.get("createdAt").asString()).isEqualTo(createdAt);
        assertThat(kinds(trail(id))).containsExactly("routed", "rejected", "offered", "rejected", "offered");
        assertThat(lastDecision(id).get("chosenAgentId").asString()).isEqualTo(third);
    }

    // ------------------------------------------------------------------ timeout

    @Test
    void anOfferNotAcceptedInTimeGoesToTheNextAgentAndNeverBack() {
        String lang = newLanguage();
        String first = onlineSalesAgent(lang, 1);
        String second = onlineSalesAgent(lang, 1);
        Instant t0 = now();
        JsonNode c = askPrice(lang);
        String id = c.get("id").asString();
        String offeredTo = c.get("agentId").asString();
        String next = offeredTo.equals(first) ? second : first;

        advanceAndTick(Duration.ofSeconds(OFFER_TIMEOUT - 1));
        assertThat(conversation(id).get("agentId").asString()).as("still within the offer's time").isEqualTo(offeredTo);
        assertThat(kinds(trail(id))).containsExactly("routed");

        advanceAndTick(Duration.ofSeconds(1)); // exactly 20 s after the offer
        JsonNode reoffered = conversation(id);
        assertThat(reoffered.get("status").asString()).isEqualTo("offered");
        assertThat(reoffered.get("agentId").asString()).isEqualTo(next);
        assertThat(declinedBy(reoffered)).containsExactly(offeredTo);
        assertThat(Instant.parse(reoffered.get("offerExpiresAt").asString()))
                .isEqualTo(t0.plusSeconds(2L * OFFER_TIMEOUT));
        List<JsonNode> trail = trail(id);
        assertThat(kinds(trail)).containsExactly("routed", "timed_out", "offered");
        assertThat(trail.get(1).get("chosenAgentId").asString()).isEqualTo(offeredTo);
        assertThat(trail.get(1).get("reason").asString()).contains("did not accept within " + OFFER_TIMEOUT + " s");
        assertThat(trail.get(2).get("chosenAgentId").asString()).isEqualTo(next);
        JsonNode late = agent(offeredTo);
        assertThat(late.get("load").get("web").asInt()).isZero();
        assertThat(late.get("offerTimeouts").asInt()).isEqualTo(1);
        assertThat(late.get("status").asString()).isEqualTo("online");

        // Too late to accept: the offer went to the other agent.
        assertProblem(act("accept", id, offeredTo), 409, null);

        // The second lets it time out as well: it waits rather than going back to the first.
        advanceAndTick(Duration.ofSeconds(OFFER_TIMEOUT));
        JsonNode waiting = conversation(id);
        assertThat(waiting.get("status").asString()).isEqualTo("queued");
        assertThat(declinedBy(waiting)).containsExactlyInAnyOrder(offeredTo, next);
        assertThat(kinds(trail(id))).containsExactly("routed", "timed_out", "offered", "timed_out");
        advanceAndTick(Duration.ofSeconds(5 * OFFER_TIMEOUT));
        assertThat(conversation(id).get("status").asString()).isEqualTo("queued");
        assertThat(agent(offeredTo).get("load").get("web").asInt()).isZero();

        String third = onlineSalesAgent(lang, 1);
        assertThat(conversation(id).get("agentId").asString()).isEqualTo(third);
        assertThat(kinds(trail(id))).containsExactly("routed", "timed_out", "offered", "timed_out", "offered");
    }

    @Test
    void anAgentWhoLetsThreeOffersInARowTimeOutIsSetAway() {
        String lang = newLanguage();
        String agent = onlineSalesAgent(lang, 1);
        List<String> ids = new ArrayList<>();
        for (int i = 1; i <= 3; i++) {
            JsonNode c = askPrice(lang);
            assertThat(c.get("agentId").asString()).as("offer %d", i).isEqualTo(agent);
            ids.add(c.get("id").asString());
            advanceAndTick(Duration.ofSeconds(OFFER_TIMEOUT));
            assertThat(conversation(ids.get(i - 1)).get("status").asString()).isEqualTo("queued");
            if (i < 3) {
                assertThat(agent(agent).get("offerTimeouts").asInt()).isEqualTo(i);
                assertThat(agent(agent).get("status").asString()).isEqualTo("online");
            }
        }
        JsonNode away = agent(agent);
        assertThat(away.get("status").asString()).isEqualTo("away");
        assertThat(away.get("offerTimeouts").asInt()).isZero();
        List<JsonNode> trail = trail(ids.get(2));
        assertThat(kinds(trail)).containsExactly("routed", "timed_out", "agent_set_away");
        assertThat(trail.get(2).get("chosenAgentId").asString()).isEqualTo(agent);
        assertThat(trail.get(2).get("reason").asString()).contains("3 offers in a row");

        // Back online it gets none of them (it let each one time out), but it does get new work.
        setPresence(agent, "online");
        ids.forEach(id -> assertThat(conversation(id).get("status").asString()).isEqualTo("queued"));
        assertThat(askPrice(lang).get("agentId").asString()).isEqualTo(agent);
    }

    @Test
    void acceptingResetsTheCountOfTimeoutsInARow() {
        String lang = newLanguage();
        String agent = onlineSalesAgent(lang, 1);
        for (int i = 0; i < 2; i++) {
            askPrice(lang);
            advanceAndTick(Duration.ofSeconds(OFFER_TIMEOUT));
        }
        assertThat(agent(agent).get("offerTimeouts").asInt()).isEqualTo(2);
        String accepted = askPrice(lang).get("id").asString();
        ok(act("accept", accepted, agent));
        assertThat(agent(agent).get("offerTimeouts").asInt()).isZero();
        ok(act("first-reply", accepted, agent));
        close(accepted, "resolved", null);
        askPrice(lang);
        advanceAndTick(Duration.ofSeconds(OFFER_TIMEOUT));
        JsonNode a = agent(agent);
        assertThat(a.get("offerTimeouts").asInt()).isEqualTo(1);
        assertThat(a.get("status").asString()).isEqualTo("online");
    }

    // ------------------------------------------------------------------ first reply and reclaim

    @Test
    void anAcceptedConversationWithoutAFirstReplyIsReclaimedAndRoutedAgain() {
        String lang = newLanguage();
        String slow = onlineSalesAgent(lang, 2);
        String replied = askPrice(lang).get("id").asString();
        String silent = askPrice(lang).get("id").asString();
        Instant acceptedAt = now();
        ok(act("accept", replied, slow));
        ok(act("accept", silent, slow));

        clock.advance(Duration.ofSeconds(30));
        JsonNode reply = ok(act("first-reply", replied, slow));
        assertThat(Instant.parse(reply.get("firstReplyAt").asString())).isEqualTo(acceptedAt.plusSeconds(30));
        // Reported twice, the first time stands.
        clock.advance(Duration.ofSeconds(5));
        assertThat(Instant.parse(ok(act("first-reply", replied, slow)).get("firstReplyAt").asString()))
                .isEqualTo(acceptedAt.plusSeconds(30));

        String helper = onlineSalesAgent(lang, 1); // nothing waits for it yet
        assertThat(agent(helper).get("totalLoad").asInt()).isZero();

        clock.advanceTo(acceptedAt.plusSeconds(RECLAIM_AFTER - 1));
        tick();
        assertThat(conversation(silent).get("status").asString()).isEqualTo("assigned");

        clock.advanceTo(acceptedAt.plusSeconds(RECLAIM_AFTER));
        tick();
        JsonNode reclaimed = conversation(silent);
        assertThat(reclaimed.get("status").asString()).isEqualTo("offered");
        assertThat(reclaimed.get("agentId").asString()).isEqualTo(helper);
        assertThat(declinedBy(reclaimed)).containsExactly(slow);
        assertThat(reclaimed.get("acceptedAt").isNull()).isTrue();
        List<JsonNode> trail = trail(silent);
        assertThat(kinds(trail)).containsExactly("routed", "accepted", "reclaimed", "offered");
        assertThat(trail.get(2).get("chosenAgentId").asString()).isEqualTo(slow);
        assertThat(trail.get(2).get("reason").asString())
                .contains("sent no first reply within " + RECLAIM_AFTER + " s");
        assertThat(trail.get(3).get("chosenAgentId").asString()).isEqualTo(helper);

        // The one with a first reply stays with its agent, whose load drops to it alone.
        JsonNode kept = conversation(replied);
        assertThat(kept.get("status").asString()).isEqualTo("assigned");
        assertThat(kept.get("agentId").asString()).isEqualTo(slow);
        assertThat(kinds(trail(replied))).containsExactly("routed", "accepted");
        assertThat(agent(slow).get("load").get("web").asInt()).isEqualTo(1);

        // Too late for the first agent to reply to the reclaimed one.
        assertProblem(act("first-reply", silent, slow), 409, null);

        // The new agent accepts and replies in time: no second reclaim.
        ok(act("accept", silent, helper));
        clock.advance(Duration.ofSeconds(RECLAIM_AFTER - 10));
        ok(act("first-reply", silent, helper));
        advanceAndTick(Duration.ofSeconds(RECLAIM_AFTER * 2));
        assertThat(conversation(silent).get("agentId").asString()).isEqualTo(helper);
        assertThat(kinds(trail(silent))).containsExactly("routed", "accepted", "reclaimed", "offered", "accepted");
    }

    @Test
    void aFirstReplyNeedsTheAcceptedConversationsOwnAgent() {
        String lang = newLanguage();
        String agent = onlineSalesAgent(lang, 1);
        String other = onlineSalesAgent(newLanguage(), 1);
        String id = askPrice(lang).get("id").asString();

        ApiClient.Response beforeAccept = act("first-reply", id, agent);
        assertProblem(beforeAccept, 409, null);
        assertThat(beforeAccept.text("detail")).contains(id).contains("not assigned to agent " + agent);

        ok(act("accept", id, agent));
        ApiClient.Response wrongAgent = act("first-reply", id, other);
        assertProblem(wrongAgent, 409, null);
        assertThat(wrongAgent.text("detail")).contains(other);
        assertThat(conversation(id).get("firstReplyAt").isNull()).isTrue();
    }

    // ------------------------------------------------------------------ validation

    static Stream<Arguments> agentActions() {
        return Stream.of(Arguments.of("accept"), Arguments.of("reject"), Arguments.of("first-reply"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agentActions")
    void theAgentIdIsRequired(String action) {
        String lang = newLanguage();
        onlineSalesAgent(lang, 1);
        String id = askPrice(lang).get("id").asString();
        String path = "/api/v1/conversations/" + id + "/" + action;

        assertProblem(api.post(path), 400, "agentId");                           // no body at all
        assertProblem(api.post(path, obj()), 400, "agentId");                    // {}
        assertProblem(api.post(path, obj("agentId", null)), 400, "agentId");     // null
        assertProblem(api.post(path, obj("agentId", "  ")), 400, "agentId");     // blank
        assertProblem(api.post(path, obj("agent", "a-1")), 400, "agent");        // a field it does not know
        assertProblem(api.post(path, obj("agentId", List.of("a-1"))), 400, "agentId"); // not a string
        ApiClient.Response malformed = api.postRaw(path, "{\"agentId\": ", "application/json");
        assertProblem(malformed, 400, null);
        assertThat(malformed.text("detail")).contains("not valid JSON");

        // Nothing changed: it is still offered, and no decision was written.
        assertThat(conversation(id).get("status").asString()).isEqualTo("offered");
        assertThat(kinds(trail(id))).containsExactly("routed");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("agentActions")
    void anUnknownConversationIsA404(String action) {
        ApiClient.Response r = act(action, "no-such-conversation", "a-1");
        assertProblem(r, 404, null);
        assertThat(r.text("detail")).contains("no-such-conversation");
    }

    @Test
    void positionIsOnlyForWaitingConversations() {
        String lang = newLanguage();
        String agent = onlineSalesAgent(lang, 1);
        String offered = askPrice(lang).get("id").asString();
        String waiting = askPrice(lang).get("id").asString();

        ApiClient.Response r = api.get("/api/v1/conversations/" + offered + "/position");
        assertProblem(r, 409, null);
        assertThat(r.text("detail")).contains("offered").contains("not waiting");
        JsonNode position = api.get("/api/v1/conversations/" + waiting + "/position").json();
        assertThat(position.get("queue").asString()).isEqualTo("sales");
        assertThat(position.get("position").asInt()).isPositive();

        ok(act("reject", offered, agent)); // the agent's place goes to the waiting one
        assertThat(conversation(waiting).get("agentId").asString()).isEqualTo(agent);
        assertThat(api.get("/api/v1/conversations/" + offered + "/position").status()).isEqualTo(200);
        assertProblem(api.get("/api/v1/conversations/no-such-conversation/position"), 404, null);
    }
}
