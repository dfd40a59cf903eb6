package io.convrouter.rebalance;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * The rebalancer through the running server: a backlog built with the REST API that the real-time
 * dispatcher matched badly, {@code POST /api/v1/rebalance}, then the decision trail of every
 * conversation it moved.
 *
 * <p>The server runs on a copy of {@code workbench-config} in which every queue offers its
 * conversations (agents accept them) rather than assigning them at once, with offers that do not
 * time out during the test: an assigned conversation is accepted work, which the rebalancer never
 * moves, so only offers and waiting conversations can show a rebalance. The copy also gives a solve
 * up to 30 s (the default is 0.5 s), so that a slow, shared machine cannot cut the search short;
 * the solver stops long before, when it stops improving. The test configuration already turns the
 * scheduled runs off ({@code routing.rebalance-scheduled=false}): only the test's POST rebalances.
 */
class RebalanceApiTest extends ApiTestSupport {

    private static final String COMPLAINT_TEXT = "我要投诉你们的客服";

    @DynamicPropertySource
    static void offeringWorkbench(DynamicPropertyRegistry registry) {
        Path copy = copyOfWorkbench();
        registry.add("routing.workbench-dir", copy::toString);
    }

    @Test
    void anExpertHoldingRoutineWorkIsFreedForAComplaintOnlyTheExpertCanTake() {
        String language = newLanguage();
        String expert = newAgentId();
        putAgent(expert, obj("name", "Expert", "skills", obj("refund", 4, "complaint", 4), "languages", List.of(language),
                "teams", List.of("senior", "vip-desk"), "capacity", obj("web", 1)));
        setPresence(expert, "online");
        // A routine refund (refund 3) arrives first: the only agent online gets the offer.
        JsonNode refund = create(refundRequest(language));
        assertThat(refund.get("status").asString()).isEqualTo("offered");
        assertThat(refund.get("agentId").asString()).isEqualTo(expert);
        // A complaint (complaint 4, senior team) only the expert can take must wait...
        JsonNode complaint = create(complaint(language));
        assertThat(complaint.get("queue").asString()).isEqualTo("complaints");
        assertThat(complaint.get("status").asString()).isEqualTo("queued");
        // ...even once a junior who can do refunds but not complaints comes online.
        String junior = newAgentId();
        putAgent(junior, obj("name", "Junior", "skills", obj("refund", 3), "languages", List.of(language),
                "teams", List.of(), "capacity", obj("web", 1)));
        setPresence(junior, "online");
        assertThat(conversation(complaint.get("id").asString()).get("status").asString()).isEqualTo("queued");

        JsonNode report = rebalance();

        assertThat(report.get("ran").asBoolean()).isTrue();
        assertThat(report.get("moves").asInt()).isGreaterThanOrEqualTo(2);
        assertThat(report.get("score").asString()).startsWith("0hard/");
        String refundId = refund.get("id").asString();
        String complaintId = complaint.get("id").asString();
        assertOfferedTo(refundId, junior);
        assertOfferedTo(complaintId, expert);

        JsonNode movedRefund = lastRebalanced(refundId);
        assertThat(movedRefund.get("chosenAgentId").asString()).isEqualTo(junior);
        assertThat(movedRefund.get("outcome").asString()).isEqualTo("offered");
        assertThat(movedRefund.get("reason").asString()).startsWith("rebalanced (score 0hard/")
                .contains("to agent " + junior + ": refund level 3 vs 4;").contains("agent " + expert);
        JsonNode movedComplaint = lastRebalanced(complaintId);
        assertThat(movedComplaint.get("chosenAgentId").asString()).isEqualTo(expert);
        assertThat(movedComplaint.get("reason").asString()).contains("to agent " + expert + ": complaint level 4 (needs 4);");
        // The trail reads in order: first routed, then rebalanced.
        assertThat(kinds(trail(refundId))).first().isEqualTo("routed");
        assertThat(kinds(trail(refundId))).last().isEqualTo("rebalanced");
        assertThat(kinds(trail(complaintId))).containsSubsequence("routed", "rebalanced");

        // The new offers are real offers: the agents accept them.
        assertThat(api.post("/api/v1/conversations/" + refundId + "/accept", obj("agentId", junior)).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/conversations/" + complaintId + "/accept", obj("agentId", expert)).status())
                .isEqualTo(200);
        assertThat(conversation(refundId).get("status").asString()).isEqualTo("assigned");
        // The last run is there to read.
        ApiClient.Response last = api.get("/api/v1/rebalance");
        assertThat(last.status()).isEqualTo(200);
        assertThat(last.json().get("at").asString()).isEqualTo(report.get("at").asString());
    }

    @Test
    void aVipWaitingBehindRoutineWorkGetsTheVipDeskAgentAndAcceptedWorkStays() {
        String language = newLanguage();
        String desk = newAgentId();
        putAgent(desk, obj("name", "VIP desk", "skills", obj("refund", 4), "languages", List.of(language),
                "teams", List.of("vip-desk"), "capacity", obj("web", 2)));
        setPresence(desk, "online");
        // The desk agent takes an offer and accepts it (accepted work: pinned), then gets a routine refund.
        JsonNode accepted = create(refundRequest(language));
        assertThat(accepted.get("agentId").asString()).isEqualTo(desk);
        assertThat(api.post("/api/v1/conversations/" + accepted.get("id").asString() + "/accept", obj("agentId", desk))
                .status()).isEqualTo(200);
        JsonNode regular = create(refundRequest(language));
        assertThat(regular.get("agentId").asString()).isEqualTo(desk);
        // A VIP arrives (VIP desk queue, team vip-desk, priority 90): the desk agent is full.
        JsonNode vip = create(vipRefundRequest(language));
        assertThat(vip.get("queue").asString()).isEqualTo("vip-desk");
        assertThat(vip.get("status").asString()).isEqualTo("queued");
        // An agent outside the VIP team comes online: it could take the routine refund, not the VIP.
        String floor = newAgentId();
        putAgent(floor, obj("name", "Floor", "skills", obj("refund", 4), "languages", List.of(language),
                "teams", List.of(), "capacity", obj("web", 2)));
        setPresence(floor, "online");
        assertThat(conversation(vip.get("id").asString()).get("status").asString()).isEqualTo("queued");

        JsonNode report = rebalance();

        assertThat(report.get("ran").asBoolean()).isTrue();
        String vipId = vip.get("id").asString();
        String regularId = regular.get("id").asString();
        String acceptedId = accepted.get("id").asString();
        assertOfferedTo(vipId, desk);
        assertOfferedTo(regularId, floor);
        assertThat(lastRebalanced(vipId).get("reason").asString()).contains("to agent " + desk + ": refund level 4");
        assertThat(lastRebalanced(regularId).get("reason").asString()).contains("to agent " + floor + ": refund level 4 vs 4;");
        // The accepted conversation did not move and was not touched.
        JsonNode stays = conversation(acceptedId);
        assertThat(stays.get("status").asString()).isEqualTo("assigned");
        assertThat(stays.get("agentId").asString()).isEqualTo(desk);
        assertThat(kinds(trail(acceptedId))).doesNotContain("rebalanced");
        JsonNode deskAgent = agent(desk);
        assertThat(deskAgent.toString()).contains(acceptedId).contains(vipId).doesNotContain(regularId);
    }

    @Test
    void withNothingToImproveARebalanceMovesNothingOfThisTest() {
        String language = newLanguage();
        String only = newAgentId();
        putAgent(only, obj("name", "Only", "skills", obj("refund", 4), "languages", List.of(language),
                "teams", List.of(), "capacity", obj("web", 1)));
        setPresence(only, "online");
        JsonNode offered = create(refundRequest(language));
        JsonNode waiting = create(refundRequest(language));
        assertThat(waiting.get("status").asString()).isEqualTo("queued");

        JsonNode report = rebalance();

        assertThat(report.get("ran").asBoolean()).isTrue();
        assertOfferedTo(offered.get("id").asString(), only);
        assertThat(conversation(waiting.get("id").asString()).get("status").asString()).isEqualTo("queued");
        assertThat(kinds(trail(offered.get("id").asString()))).doesNotContain("rebalanced");
        assertThat(kinds(trail(waiting.get("id").asString()))).doesNotContain("rebalanced");
    }

    // ------------------------------------------------------------------ helpers

    private JsonNode rebalance() {
        ApiClient.Response r = api.post("/api/v1/rebalance");
        assertThat(r.status()).as("POST rebalance: %s", r).isEqualTo(200);
        return r.json();
    }

    private void assertOfferedTo(String conversationId, String agentId) {
        JsonNode c = conversation(conversationId);
        assertThat(c.get("status").asString()).as("status of %s", conversationId).isEqualTo("offered");
        assertThat(c.get("agentId").asString()).as("agent of %s", conversationId).isEqualTo(agentId);
    }

    private JsonNode lastRebalanced(String conversationId) {
        List<JsonNode> rebalanced = trail(conversationId).stream()
                .filter(d -> "rebalanced".equals(d.get("kind").asString())).toList();
        assertThat(rebalanced).as("rebalanced decisions of %s", conversationId).hasSize(1);
        return rebalanced.get(0);
    }

    private static java.util.Map<String, Object> complaint(String language) {
        return obj("channel", "web", "externalId", unique("ext"), "text", COMPLAINT_TEXT, "language", language,
                "customer", obj("id", unique("cust"), "tier", "regular"));
    }

    /**
     * A copy of {@code ../workbench-config} (tests run in rules-server/) whose queues offer by
     * default, with offers that do not time out in a test and agents never set away, and whose
     * rebalancer may solve for up to 30 s.
     */
    private static Path copyOfWorkbench() {
        try {
            Path source = Path.of("../workbench-config");
            Path copy = Files.createTempDirectory("rebalance-workbench-");
            copy.toFile().deleteOnExit(); // registered first, deleted last: after the files in it
            try (Stream<Path> files = Files.list(source)) {
                for (Path f : files.filter(Files::isRegularFile).toList()) {
                    Files.copy(f, copy.resolve(f.getFileName()));
                    copy.resolve(f.getFileName()).toFile().deleteOnExit();
                }
            }
            Path queues = copy.resolve("queues.yaml");
            String q = Files.readString(queues);
            q = replaceInDefaults(q, "autoAccept", "false");
            q = replaceInDefaults(q, "offerTimeoutSeconds", "3600");
            q = replaceInDefaults(q, "timeoutsBeforeAway", "0");
            Files.writeString(queues, q);
            Files.writeString(copy.resolve("rebalance.yaml"),
                    "rebalance:\n  enabled: true\n  intervalSeconds: 10\n  timeLimitMillis: 30000\n  unimprovedSteps: 50\n");
            copy.resolve("rebalance.yaml").toFile().deleteOnExit();
            return copy;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Sets a field of the {@code defaults:} block of queues.yaml (two-space indented, before {@code queues:}). */
    private static String replaceInDefaults(String yaml, String field, String value) {
        int defaults = yaml.indexOf("\ndefaults:");
        int queues = yaml.indexOf("\nqueues:");
        assertThat(defaults).as("queues.yaml has a defaults block").isNotNegative();
        assertThat(queues).as("queues.yaml has a queues list after defaults").isGreaterThan(defaults);
        String block = yaml.substring(defaults, queues);
        Matcher m = Pattern.compile("(?m)^  " + field + ":.*$").matcher(block);
        String changed = m.find() ? m.replaceFirst("  " + field + ": " + value) : block + "\n  " + field + ": " + value;
        return yaml.substring(0, defaults) + changed + yaml.substring(queues);
    }
}
