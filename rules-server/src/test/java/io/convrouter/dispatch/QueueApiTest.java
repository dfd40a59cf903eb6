package io.convrouter.dispatch;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ClockedApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * Queue figures, positions, wait estimates and the wait limit over REST, on a clock the test
 * moves: GET /api/v1/queues and /api/v1/queues/{id} (waiting, longest wait, estimated wait,
 * service level over the last 15 minutes, agents by state), GET .../{id}/position, the divert of
 * a new conversation when its queue's estimated wait is over maxWaitSeconds, and the agent
 * profile's {@code queues} and {@code maxUnits} and presence {@code busy} as dispatch sees them.
 */
class QueueApiTest extends ClockedApiTestSupport {
    /** Intent complaint: queue complaints (performance strategy, 30 s wrap-up), skill complaint 4, team senior. */
    static final String COMPLAINT_TEXT = "我要投诉你们的客服";
    /** Intent payment_failed: queue payments (in the test workbench: diverts to call back over 100 s), skill payment 3. */
    static final String PAYMENT_TEXT = "支付失败了怎么办";

    private JsonNode queue(String id) {
        ApiClient.Response r = api.get("/api/v1/queues/" + id);
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    private JsonNode position(String conversationId) {
        ApiClient.Response r = api.get("/api/v1/conversations/" + conversationId + "/position");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    private static int agentsIn(JsonNode queue, String state) {
        return queue.get("agents").get(state).asInt();
    }

    private Map<String, Object> complaintAgent(String lang, String... queues) {
        Map<String, Object> p = agentProfile(lang, obj("complaint", 5), 1, "senior");
        p.put("queues", List.of(queues));
        return p;
    }

    // ------------------------------------------------------------------ queue figures

    @Test
    void queueFiguresFollowWaitingAnsweredAbandonedAndAgents() {
        // Start with an empty 15-minute window (no other test class uses the complaints queue).
        advanceAndTick(Duration.ofMinutes(16));
        JsonNode before = queue("complaints");
        assertThat(before.get("waiting").asInt()).isZero();
        assertThat(before.get("serviceLevel").asDouble()).isEqualTo(1.0);
        assertThat(before.get("serviceLevelTarget").asDouble()).isEqualTo(0.90);

        String lang = newLanguage();
        String serving = onlineAgent(complaintAgent(lang, "complaints"));
        String away = onlineAgent(complaintAgent(lang, "complaints"));
        setPresence(away, "away");
        String busy = onlineAgent(complaintAgent(lang, "complaints"));
        setPresence(busy, "busy");
        String offline = newAgentId();
        putAgent(offline, complaintAgent(lang, "complaints"));
        // Skilled and online, but it serves only billing: neither counted in complaints nor given its work.
        String elsewhere = onlineAgent(complaintAgent(lang, "billing"));

        JsonNode first = create(request(COMPLAINT_TEXT, lang));
        assertThat(first.get("queue").asString()).isEqualTo("complaints");
        assertThat(first.get("status").asString()).isEqualTo("assigned");
        assertThat(first.get("agentId").asString()).isEqualTo(serving);
        int sla = first.get("slaSeconds").asInt();
        assertThat(sla).isEqualTo(60);

        JsonNode second = create(request(COMPLAINT_TEXT, lang));
        JsonNode third = create(request(COMPLAINT_TEXT, lang));
        assertThat(second.get("status").asString()).isEqualTo("queued");
        assertThat(third.get("status").asString()).isEqualTo("queued");
        // One place can serve them (the agent of billing does not count): each waits one handle time per place ahead.
        assertThat(second.get("queuePosition").asInt()).isEqualTo(1);
        assertThat(second.get("estimatedWaitSeconds").asLong()).isEqualTo(180);
        assertThat(third.get("queuePosition").asInt()).isEqualTo(2);
        assertThat(third.get("estimatedWaitSeconds").asLong()).isEqualTo(360);
        JsonNode routed = lastDecision(second.get("id").asString());
        assertThat(candidateReasons(routed, elsewhere)).contains("does not serve queue complaints");
        assertThat(candidateReasons(routed, busy)).contains("agent is busy");
        assertThat(candidateReasons(routed, away)).contains("agent is away");

        JsonNode q = queue("complaints");
        assertThat(q.get("queue").asString()).isEqualTo("complaints");
        assertThat(q.get("waiting").asInt()).isEqualTo(2);
        assertThat(q.get("longestWaitSeconds").asLong()).isZero();
        assertThat(q.get("estimatedWaitSeconds").asLong()).as("a new one would be third").isEqualTo(540);
        assertThat(q.get("serviceLevel").asDouble()).isEqualTo(1.0);
        assertThat(q.get("answeredLast15Minutes").asInt()).isEqualTo(1);
        assertThat(q.get("abandonedLast15Minutes").asInt()).isZero();
        assertThat(q.get("averageHandleSeconds").asDouble()).isEqualTo(180.0);
        assertThat(agentsIn(q, "online") - agentsIn(before, "online")).isEqualTo(1);
        assertThat(agentsIn(q, "away") - agentsIn(before, "away")).isEqualTo(1);
        assertThat(agentsIn(q, "busy") - agentsIn(before, "busy")).isEqualTo(1);
        assertThat(agentsIn(q, "offline") - agentsIn(before, "offline")).isEqualTo(1);
        assertThat(agentsIn(q, "wrap-up") - agentsIn(before, "wrap-up")).isZero();
        assertThat(q.get("waitAlert").asBoolean()).isFalse();

        // The wait-alert check (run every few seconds by the server) sees 540 s over the 300 s threshold.
        assertThat(dispatcher.waitAlerts(Map.of("complaints", 0.9))).containsEntry("complaints", true);
        assertThat(queue("complaints").get("waitAlert").asBoolean()).isTrue();

        clock.advance(Duration.ofSeconds(50));
        assertThat(queue("complaints").get("longestWaitSeconds").asLong()).isEqualTo(50);
        assertThat(position(second.get("id").asString()).get("waitedSeconds").asLong()).isEqualTo(50);

        abandon(third.get("id").asString());
        q = queue("complaints");
        assertThat(q.get("waiting").asInt()).isEqualTo(1);
        assertThat(q.get("abandonedLast15Minutes").asInt()).isEqualTo(1);
        assertThat(q.get("serviceLevel").asDouble()).as("1 answered in time, 1 abandoned").isEqualTo(0.5);

        // The first is closed after 80 s: its agent wraps up for 30 s and gets nothing meanwhile.
        clock.advance(Duration.ofSeconds(30));
        close(first.get("id").asString(), "resolved", 5);
        q = queue("complaints");
        assertThat(agentsIn(q, "wrap-up") - agentsIn(before, "wrap-up")).isEqualTo(1);
        assertThat(agentsIn(q, "online") - agentsIn(before, "online")).isZero();
        // The handle time follows closed conversations smoothly: 180 assumed, then one of 80 s.
        assertThat(q.get("averageHandleSeconds").asDouble()).isCloseTo(170.0, within(0.001));
        assertThat(conversation(second.get("id").asString()).get("status").asString()).isEqualTo("queued");
        assertThat(position(second.get("id").asString()).get("estimatedWaitSeconds").asLong()).isEqualTo(170);

        advanceAndTick(Duration.ofSeconds(29));
        assertThat(conversation(second.get("id").asString()).get("status").asString()).isEqualTo("queued");
        advanceAndTick(Duration.ofSeconds(1));
        JsonNode served = conversation(second.get("id").asString());
        assertThat(served.get("status").asString()).isEqualTo("assigned");
        assertThat(served.get("agentId").asString()).isEqualTo(serving);
        List<JsonNode> trail = trail(second.get("id").asString());
        assertThat(kinds(trail)).containsExactly("routed", "assigned");
        assertThat(trail.get(1).get("reason").asString()).contains("waited in queue complaints");

        q = queue("complaints");
        assertThat(q.get("waiting").asInt()).isZero();
        assertThat(q.get("longestWaitSeconds").asLong()).isZero();
        assertThat(q.get("estimatedWaitSeconds").asLong()).isZero();
        assertThat(q.get("answeredLast15Minutes").asInt()).isEqualTo(2);
        // Answered after 110 s against a 60 s target: 1 of 3 within it.
        assertThat(q.get("serviceLevel").asDouble()).isCloseTo(1.0 / 3, within(0.0001));
        assertThat(dispatcher.waitAlerts(Map.of("complaints", 0.9))).containsEntry("complaints", false);
        assertThat(q.get("agents").get("wrap-up").asInt() - agentsIn(before, "wrap-up")).isZero();

        // Fifteen minutes after the last of them, the window is empty again.
        clock.advance(Duration.ofMinutes(15).plusSeconds(1));
        q = queue("complaints");
        assertThat(q.get("answeredLast15Minutes").asInt()).isZero();
        assertThat(q.get("abandonedLast15Minutes").asInt()).isZero();
        assertThat(q.get("serviceLevel").asDouble()).isEqualTo(1.0);
        assertThat(conversation(first.get("id").asString()).get("status").asString()).isEqualTo("closed");
    }

    @Test
    void everyQueueIsListedAndAnUnknownOneIsA404() {
        ApiClient.Response all = api.get("/api/v1/queues");
        assertThat(all.status()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        all.json().forEach(q -> ids.add(q.get("queue").asString()));
        assertThat(ids).containsAll(workbench.queues().keySet()).hasSize(workbench.queues().size()).isSorted();
        for (JsonNode q : all.json()) {
            for (String field : List.of("waiting", "longestWaitSeconds", "estimatedWaitSeconds", "serviceLevel",
                    "serviceLevelTarget", "answeredLast15Minutes", "abandonedLast15Minutes", "averageHandleSeconds",
                    "agents", "waitAlert")) {
                assertThat(q.has(field)).as("%s in %s", field, q).isTrue();
            }
            assertThat(q.get("agents").properties()).extracting(Map.Entry::getKey)
                    .containsExactlyInAnyOrder("online", "away", "busy", "offline", "wrap-up");
        }

        ApiClient.Response missing = api.get("/api/v1/queues/no-such-queue");
        assertProblem(missing, 404, null);
        assertThat(missing.text("detail")).contains("no-such-queue");
    }

    // ------------------------------------------------------------------ positions

    @Test
    void eachWaitingConversationKnowsItsPlaceAndEstimatedWait() {
        String lang = newLanguage();
        String agent = onlineAgent(lang, 1);
        create(refundRequest(lang)); // takes the agent's one place
        JsonNode second = create(refundRequest(lang));
        JsonNode third = create(refundRequest(lang));
        String secondId = second.get("id").asString();
        String thirdId = third.get("id").asString();
        double handle = queue("after-sales").get("averageHandleSeconds").asDouble();

        JsonNode p2 = position(secondId);
        JsonNode p3 = position(thirdId);
        int ahead = p2.get("position").asInt();
        assertThat(p2.get("conversationId").asString()).isEqualTo(secondId);
        assertThat(p2.get("queue").asString()).isEqualTo("after-sales");
        assertThat(ahead).isPositive();
        assertThat(p3.get("position").asInt()).isEqualTo(ahead + 1);
        assertThat(p2.get("estimatedWaitSeconds").asLong()).isEqualTo(Math.round(ahead * handle));
        assertThat(p3.get("estimatedWaitSeconds").asLong()).isEqualTo(Math.round((ahead + 1) * handle));
        assertThat(p2.get("waitedSeconds").asLong()).isZero();
        // Intake answered with the same place and estimate.
        assertThat(second.get("queuePosition").asInt()).isEqualTo(ahead);
        assertThat(second.get("estimatedWaitSeconds").asLong()).isEqualTo(p2.get("estimatedWaitSeconds").asLong());
        assertThat(conversation(thirdId).get("queuePosition").asInt()).isEqualTo(ahead + 1);

        clock.advance(Duration.ofSeconds(30));
        assertThat(position(thirdId).get("waitedSeconds").asLong()).isEqualTo(30);

        // A second agent takes the second conversation: the third moves up, and two places serve it.
        String helper = onlineAgent(lang, 1);
        assertThat(conversation(secondId).get("agentId").asString()).isEqualTo(helper);
        ApiClient.Response gone = api.get("/api/v1/conversations/" + secondId + "/position");
        assertProblem(gone, 409, null);
        assertThat(gone.text("detail")).contains("assigned").contains("not waiting");
        JsonNode moved = position(thirdId);
        assertThat(moved.get("position").asInt()).isEqualTo(ahead);
        assertThat(moved.get("estimatedWaitSeconds").asLong()).isEqualTo(Math.round(ahead * handle / 2));
        abandon(thirdId);
        assertProblem(api.get("/api/v1/conversations/" + thirdId + "/position"), 409, null);
        assertThat(agent).isNotEqualTo(helper);
    }

    @Test
    void withNobodyOnlineWhoCouldServeItTheWaitIsUnknown() {
        String lang = newLanguage();
        String agent = newAgentId();
        putAgent(agent, profile(lang, 1)); // registered, offline
        JsonNode c = create(refundRequest(lang));
        assertThat(c.get("status").asString()).isEqualTo("queued");
        assertThat(c.get("queuePosition").asInt()).isPositive();
        assertThat(c.get("estimatedWaitSeconds").isNull()).isTrue();
        JsonNode p = position(c.get("id").asString());
        assertThat(p.get("position").asInt()).isPositive();
        assertThat(p.get("estimatedWaitSeconds").isNull()).isTrue();
        abandon(c.get("id").asString());
    }

    // ------------------------------------------------------------------ divert over the wait limit

    @Test
    void aNewConversationIsDivertedWhenItsQueuesEstimatedWaitIsOverTheLimit() {
        String lang = newLanguage();
        Map<String, Object> payer = agentProfile(lang, obj("payment", 4), 1);

        // Nobody online can serve it: the wait is unknown, so it goes to call back.
        JsonNode unknown = create(request(PAYMENT_TEXT, lang));
        assertThat(unknown.get("queue").asString()).isEqualTo("payments");
        assertThat(unknown.get("status").asString()).isEqualTo("callback");
        assertThat(unknown.get("agentId").isNull()).isTrue();
        JsonNode routed = lastDecision(unknown.get("id").asString());
        assertThat(routed.get("outcome").asString()).isEqualTo("callback");
        assertThat(routed.get("reason").asString()).contains("estimated wait in queue payments is unknown")
                .contains("over its limit of 100 s").contains("sent to callback");

        // An agent who is free takes it at once, whatever one handle time (180 s) would suggest.
        String p1 = onlineAgent(payer);
        assertThat(conversation(unknown.get("id").asString()).get("status").asString())
                .as("a diverted conversation stays with call back").isEqualTo("callback");
        JsonNode first = create(request(PAYMENT_TEXT, lang));
        assertThat(first.get("status").asString()).isEqualTo("assigned");
        assertThat(first.get("agentId").asString()).isEqualTo(p1);

        // The agent is full: the next would wait 180 s for the one place, over the 100 s limit.
        JsonNode over = create(request(PAYMENT_TEXT, lang));
        assertThat(over.get("status").asString()).isEqualTo("callback");
        assertThat(lastDecision(over.get("id").asString()).get("reason").asString())
                .contains("estimated wait in queue payments is 180 s, over its limit of 100 s: sent to callback");

        // With two places, waiting first in line is 90 s: it queues; the one after it would wait 180 s.
        String p2 = onlineAgent(payer);
        assertThat(create(request(PAYMENT_TEXT, lang)).get("agentId").asString()).isEqualTo(p2);
        JsonNode queued = create(request(PAYMENT_TEXT, lang));
        assertThat(queued.get("status").asString()).isEqualTo("queued");
        assertThat(queued.get("estimatedWaitSeconds").asLong()).isEqualTo(90);
        assertThat(queue("payments").get("estimatedWaitSeconds").asLong()).isEqualTo(180);
        JsonNode diverted = create(request(PAYMENT_TEXT, lang));
        assertThat(diverted.get("status").asString()).isEqualTo("callback");
        assertThat(lastDecision(diverted.get("id").asString()).get("reason").asString()).contains("is 180 s");
        assertThat(queue("payments").get("waiting").asInt()).isEqualTo(1);

        // Queues without a limit never divert (after-sales: nobody online, it just waits).
        JsonNode unlimited = create(refundRequest(newLanguage()));
        assertThat(unlimited.get("status").asString()).isEqualTo("queued");
        abandon(unlimited.get("id").asString());
        abandon(queued.get("id").asString());
    }

    // ------------------------------------------------------------------ relaxation

    @Test
    void aWaitingConversationRelaxesItsRequirementsOnTheLaddersSchedule() {
        String lang = newLanguage();
        Map<String, Object> junior = agentProfile(lang, obj("refund", 2), 1);
        String agent = onlineAgent(junior);
        JsonNode c = create(refundRequest(lang)); // after-sales: refund 3, lowered to 2 after 60 s
        String id = c.get("id").asString();
        assertThat(c.get("status").asString()).isEqualTo("queued");
        assertThat(candidateReasons(lastDecision(id), agent)).contains("skill refund at level 2, needs 3");

        advanceAndTick(Duration.ofSeconds(59));
        assertThat(conversation(id).get("status").asString()).isEqualTo("queued");
        advanceAndTick(Duration.ofSeconds(1));
        JsonNode served = conversation(id);
        assertThat(served.get("status").asString()).isEqualTo("assigned");
        assertThat(served.get("agentId").asString()).isEqualTo(agent);
        List<JsonNode> trail = trail(id);
        assertThat(kinds(trail)).containsExactly("routed", "relaxed", "assigned");
        assertThat(trail.get(1).get("reason").asString()).contains("lowered refund to level 2 after 60 s");
        assertThat(trail.get(2).get("chosenAgentId").asString()).isEqualTo(agent);
    }

    // ------------------------------------------------------------------ profile and presence

    @Test
    void weightedCapacityLimitsMixedChannelsByMaxUnits() {
        String lang = newLanguage();
        String agent = newAgentId();
        Map<String, Object> p = profile(lang, 2);
        p.put("capacity", obj("web", 2, "email", 4));
        p.put("maxUnits", 1500); // a chat weighs 1000, an email 500
        JsonNode view = putAgent(agent, p);
        assertThat(view.get("maxUnits").asInt()).isEqualTo(1500);
        setPresence(agent, "online");

        JsonNode chat = create(refundRequest(lang));
        Map<String, Object> emailRequest = refundRequest(lang);
        emailRequest.put("channel", "email");
        JsonNode email = create(emailRequest);
        assertThat(chat.get("agentId").asString()).isEqualTo(agent);
        assertThat(email.get("agentId").asString()).isEqualTo(agent);
        assertThat(agent(agent).get("unitsUsed").asInt()).isEqualTo(1500);

        Map<String, Object> secondEmail = refundRequest(lang);
        secondEmail.put("channel", "email");
        JsonNode waiting = create(secondEmail);
        assertThat(waiting.get("status").asString()).as("email capacity is left, units are not").isEqualTo("queued");
        assertThat(candidateReasons(lastDecision(waiting.get("id").asString()), agent))
                .contains("weighted capacity used (1500/1500 units, needs 500)");

        close(chat.get("id").asString(), "resolved", null);
        assertThat(conversation(waiting.get("id").asString()).get("agentId").asString()).isEqualTo(agent);
        assertThat(agent(agent).get("unitsUsed").asInt()).isEqualTo(1000);
    }

    @Test
    void aBusyAgentKeepsItsWorkButGetsNothingNewUntilOnline() {
        String lang = newLanguage();
        String agent = onlineAgent(lang, 3);
        JsonNode held = create(refundRequest(lang));
        assertThat(held.get("agentId").asString()).isEqualTo(agent);
        assertThat(setPresence(agent, "busy").get("status").asString()).isEqualTo("busy");

        JsonNode waiting = create(refundRequest(lang));
        assertThat(waiting.get("status").asString()).isEqualTo("queued");
        assertThat(candidateReasons(lastDecision(waiting.get("id").asString()), agent)).contains("agent is busy");
        assertThat(conversation(held.get("id").asString()).get("agentId").asString()).isEqualTo(agent);
        assertThat(agent(agent).get("totalLoad").asInt()).isEqualTo(1);

        setPresence(agent, "online");
        assertThat(conversation(waiting.get("id").asString()).get("agentId").asString()).isEqualTo(agent);
        assertThat(kinds(trail(waiting.get("id").asString()))).containsExactly("routed", "assigned");
        assertThat(lastDecision(waiting.get("id").asString()).get("reason").asString()).contains("is online");
    }

    @Test
    void profileQueuesAndMaxUnitsAreValidated() {
        String lang = newLanguage();
        Map<String, Object> unknownQueue = profile(lang, 1);
        unknownQueue.put("queues", List.of("after-sales", "night-desk"));
        ApiClient.Response r = api.put("/api/v1/agents/" + newAgentId(), unknownQueue);
        assertProblem(r, 400, "queues");
        assertThat(r.json().get("errors").get(0).get("message").asString()).contains("night-desk");

        Map<String, Object> negative = profile(lang, 1);
        negative.put("maxUnits", -1);
        assertProblem(api.put("/api/v1/agents/" + newAgentId(), negative), 400, "maxUnits");
        Map<String, Object> text = profile(lang, 1);
        text.put("maxUnits", "lots");
        assertProblem(api.put("/api/v1/agents/" + newAgentId(), text), 400, "maxUnits");
        assertProblem(api.put("/api/v1/agents/" + newAgentId() + "/presence", obj("status", "lunch")), 400, "status");
    }

    private static List<String> candidateReasons(JsonNode decision, String agentId) {
        for (JsonNode c : decision.get("candidates")) {
            if (c.get("agentId").asString().equals(agentId)) {
                List<String> reasons = new ArrayList<>();
                c.get("excludedBecause").forEach(n -> reasons.add(n.asString()));
                return reasons;
            }
        }
        throw new AssertionError("agent " + agentId + " is not among the candidates of " + decision);
    }
}
