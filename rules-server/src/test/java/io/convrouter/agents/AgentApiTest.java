package io.convrouter.agents;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * The agent API over real HTTP: registering and updating profiles, presence, reading agents with
 * their current load, profile validation, and what presence changes do to waiting work.
 */
class AgentApiTest extends ApiTestSupport {

    @Test
    void registeringAnswers201WithItsLocationAndUpdatingAnswers200() {
        String id = newAgentId();
        ApiClient.Response created = api.put("/api/v1/agents/" + id, profile(newLanguage(), 2));
        assertThat(created.status()).isEqualTo(201);
        assertThat(created.location()).isEqualTo("/api/v1/agents/" + id);

        ApiClient.Response updated = api.put("/api/v1/agents/" + id, profile(newLanguage(), 3));
        assertThat(updated.status()).isEqualTo(200);
        assertThat(updated.json().get("capacity").get("web").asInt()).isEqualTo(3);
    }

    @Test
    void aRegisteredAgentStartsOfflineWithNoLoadAndCanBeReadBack() {
        String id = newAgentId();
        Map<String, Object> profile = obj("name", "Li Na", "skills", obj("refund", 4, "shipping", 3),
                "languages", List.of("zh", "en"), "teams", List.of("vip-desk"),
                "capacity", obj("web", 5, "wechat", 5, "email", 10, "phone", 1));

        JsonNode created = putAgent(id, profile);

        assertThat(created.get("id").asString()).isEqualTo(id);
        assertThat(created.get("name").asString()).isEqualTo("Li Na");
        assertThat(created.get("skills").get("refund").asInt()).isEqualTo(4);
        assertThat(created.get("skills").get("shipping").asInt()).isEqualTo(3);
        assertThat(created.get("languages")).extracting(JsonNode::asString).containsExactlyInAnyOrder("zh", "en");
        assertThat(created.get("teams")).extracting(JsonNode::asString).containsExactly("vip-desk");
        assertThat(created.get("capacity").get("email").asInt()).isEqualTo(10);
        assertThat(created.get("status").asString()).isEqualTo("offline");
        for (String channel : List.of("web", "wechat", "email", "phone")) {
            assertThat(created.get("load").get(channel).asInt()).as("load on %s", channel).isZero();
        }
        assertThat(created.get("totalLoad").asInt()).isZero();
        assertThat(created.get("conversations")).isEmpty();

        JsonNode read = agent(id);
        assertThat(read).isEqualTo(created);

        ApiClient.Response list = api.get("/api/v1/agents");
        assertThat(list.status()).isEqualTo(200);
        assertThat(list.json().isArray()).isTrue();
        JsonNode listed = findById(list.json(), id);
        assertThat(listed.get("status").asString()).isEqualTo("offline");
        assertThat(listed.get("load").get("web").asInt()).isZero();
    }

    @Test
    void presenceGoesOnlineAwayAndOfflineAndIsReadBack() {
        String id = newAgentId();
        putAgent(id, profile(newLanguage(), 2));

        for (String status : List.of("online", "away", "offline", "online")) {
            JsonNode answer = setPresence(id, status);

            assertThat(answer.get("status").asString()).isEqualTo(status);
            assertThat(agent(id).get("status").asString()).isEqualTo(status);
            assertThat(findById(api.get("/api/v1/agents").json(), id).get("status").asString()).isEqualTo(status);
        }
    }

    @Test
    void settingTheSamePresenceAgainChangesNothing() {
        String id = newAgentId();
        putAgent(id, profile(newLanguage(), 2));
        JsonNode first = setPresence(id, "online");

        JsonNode again = setPresence(id, "online");

        assertThat(again.get("status").asString()).isEqualTo("online");
        assertThat(again.get("statusSince").asString()).isEqualTo(first.get("statusSince").asString());
    }

    @Test
    void anAgentsLoadShowsTheConversationsItHolds() {
        String lang = newLanguage();
        String id = onlineAgent(lang, 3);
        String c1 = create(refundRequest(lang)).get("id").asString();
        String c2 = create(refundRequest(lang)).get("id").asString();

        JsonNode agent = agent(id);

        assertThat(agent.get("load").get("web").asInt()).isEqualTo(2);
        assertThat(agent.get("totalLoad").asInt()).isEqualTo(2);
        assertThat(agent.get("conversations")).extracting(JsonNode::asString).containsExactlyInAnyOrder(c1, c2);
        JsonNode listed = findById(api.get("/api/v1/agents").json(), id);
        assertThat(listed.get("load").get("web").asInt()).isEqualTo(2);
    }

    @Test
    void updatingAProfileKeepsPresenceAndLoad() {
        String lang = newLanguage();
        String id = onlineAgent(lang, 3);
        String held = create(refundRequest(lang)).get("id").asString();

        JsonNode updated = putAgent(id, obj("name", "Renamed", "skills", obj("refund", 5, "invoice", 2),
                "languages", List.of(lang), "teams", List.of(), "capacity", obj("web", 4, "email", 6)));

        assertThat(updated.get("name").asString()).isEqualTo("Renamed");
        assertThat(updated.get("skills").get("invoice").asInt()).isEqualTo(2);
        assertThat(updated.get("teams")).isEmpty();
        assertThat(updated.get("status").asString()).isEqualTo("online");
        assertThat(updated.get("load").get("web").asInt()).isEqualTo(1);
        assertThat(updated.get("load").get("email").asInt()).isZero();
        assertThat(updated.get("conversations")).extracting(JsonNode::asString).containsExactly(held);
    }

    @Test
    void anAgentComingOnlineTakesTheWaitingConversationsItCanServe() {
        String lang = newLanguage();
        String id = newAgentId();
        putAgent(id, profile(lang, 1));
        String waiting = create(vipRefundRequest(lang)).get("id").asString();
        String later = create(refundRequest(lang)).get("id").asString();
        assertThat(conversation(waiting).get("status").asString()).isEqualTo("queued");

        JsonNode online = setPresence(id, "online");

        assertThat(online.get("conversations")).extracting(JsonNode::asString).containsExactly(waiting);
        assertThat(online.get("load").get("web").asInt()).isEqualTo(1);
        JsonNode assigned = conversation(waiting);
        assertThat(assigned.get("status").asString()).isEqualTo("assigned");
        assertThat(assigned.get("agentId").asString()).isEqualTo(id);
        assertThat(kinds(trail(waiting))).containsExactly("routed", "assigned");
        assertThat(conversation(later).get("status").asString()).isEqualTo("queued");
    }

    @Test
    void anAwayAgentKeepsItsConversationsButGetsNoNewOnesUntilBackOnline() {
        String lang = newLanguage();
        String id = newAgentId();
        putAgent(id, profile(lang, 5));
        setPresence(id, "online");
        String held = create(refundRequest(lang)).get("id").asString();
        setPresence(id, "away");

        JsonNode waiting = create(refundRequest(lang));

        assertThat(waiting.get("status").asString()).isEqualTo("queued");
        JsonNode routed = trail(waiting.get("id").asString()).get(0);
        JsonNode candidate = findCandidate(routed, id);
        assertThat(candidate.get("eligible").asBoolean()).isFalse();
        assertThat(candidate.get("excludedBecause")).extracting(JsonNode::asString).containsExactly("agent is away");
        assertThat(agent(id).get("conversations")).extracting(JsonNode::asString).containsExactly(held);

        setPresence(id, "online");

        assertThat(conversation(waiting.get("id").asString()).get("agentId").asString()).isEqualTo(id);
    }

    @Test
    void aRaisedCapacityLetsWaitingWorkIn() {
        String lang = newLanguage();
        String id = onlineAgent(lang, 1);
        create(refundRequest(lang));
        String waiting = create(refundRequest(lang)).get("id").asString();

        putAgent(id, profile(lang, 2));

        assertThat(conversation(waiting).get("agentId").asString()).isEqualTo(id);
        assertThat(agent(id).get("load").get("web").asInt()).isEqualTo(2);
    }

    // ------------------------------------------------------------------ errors

    @Test
    void anUnknownAgentIsA404Problem() {
        String id = unique("nobody");

        ApiClient.Response get = api.get("/api/v1/agents/" + id);
        assertProblem(get, 404, null);
        assertThat(get.text("detail")).contains(id);
        assertProblem(api.put("/api/v1/agents/" + id + "/presence", obj("status", "online")), 404, null);
    }

    @Test
    void anUnknownOrMissingPresenceIsA400ProblemNamingStatus() {
        String id = newAgentId();
        putAgent(id, profile(newLanguage(), 1));

        assertProblem(api.put("/api/v1/agents/" + id + "/presence", obj("status", "lunch")), 400, "status");
        assertProblem(api.put("/api/v1/agents/" + id + "/presence", obj()), 400, "status");
        assertProblem(api.put("/api/v1/agents/" + id + "/presence", obj("status", "ONLINE")), 400, "status");
        assertProblem(api.putRaw("/api/v1/agents/" + id + "/presence", "online"), 400, null);
        assertThat(agent(id).get("status").asString()).isEqualTo("offline");
    }

    static Stream<Arguments> invalidProfiles() {
        return Stream.of(
                Arguments.of("unknown skill", with("skills", obj("refund", 3, "cooking", 2)), "skills.cooking"),
                Arguments.of("skill level above the maximum", with("skills", obj("refund", 6)), "skills.refund"),
                Arguments.of("skill level below 1", with("skills", obj("refund", 0)), "skills.refund"),
                Arguments.of("skill level not a number", with("skills", obj("refund", "expert")), "skills.refund"),
                Arguments.of("unknown team", with("teams", List.of("vip-desk", "night-shift")), "teams"),
                Arguments.of("unknown channel", with("capacity", obj("web", 5, "fax", 2)), "capacity.fax"),
                Arguments.of("negative capacity", with("capacity", obj("web", -1)), "capacity.web"),
                Arguments.of("capacity not an object", with("capacity", 5), "capacity"),
                Arguments.of("missing name", without("name"), "name"),
                Arguments.of("blank name", with("name", " "), "name"),
                Arguments.of("no language", with("languages", List.of()), "languages"),
                Arguments.of("languages not an array", with("languages", obj("zh", true)), "languages"),
                Arguments.of("a skill with a null level", with("skills", obj("refund", null)), "skills.refund"),
                Arguments.of("a channel with a null capacity", with("capacity", obj("web", null)), "capacity.web"),
                Arguments.of("a null among the languages", with("languages", Arrays.asList("zh", null)), "languages"),
                Arguments.of("a null among the teams", with("teams", Arrays.asList((Object) null)), "teams"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidProfiles")
    void anInvalidProfileIsA400ProblemNamingTheFieldAndCreatesNothing(String name, Map<String, Object> body,
                                                                      String field) {
        String id = newAgentId();

        ApiClient.Response r = api.put("/api/v1/agents/" + id, body);

        assertProblem(r, 400, field);
        assertProblem(api.get("/api/v1/agents/" + id), 404, null);
    }

    @Test
    void anInvalidAgentIdIsA400Problem() {
        ApiClient.Response r = api.put("/api/v1/agents/" + "bad%20id!", validProfile());

        assertProblem(r, 400, "id");
    }

    @Test
    void anInvalidUpdateLeavesTheProfileAsItWas() {
        String id = newAgentId();
        putAgent(id, validProfile());

        assertProblem(api.put("/api/v1/agents/" + id, with("skills", obj("cooking", 1))), 400, "skills.cooking");

        assertThat(agent(id).get("skills").get("refund").asInt()).isEqualTo(4);
        assertThat(agent(id).get("skills").has("cooking")).isFalse();
    }

    @Test
    void everyProblemInAProfileIsListedWithTheKnownValues() {
        ApiClient.Response r = api.put("/api/v1/agents/" + newAgentId(), obj("skills", obj("cooking", 1),
                "languages", List.of(), "teams", List.of("night-shift"), "capacity", obj("fax", 1)));

        assertProblem(r, 400, "name");
        assertThat(r.errorFields()).contains("name", "skills.cooking", "languages", "teams", "capacity.fax");
        String messages = r.json().get("errors").toString();
        assertThat(messages).contains("refund").contains("vip-desk").contains("wechat");
    }

    // ------------------------------------------------------------------ helpers

    private static Map<String, Object> validProfile() {
        return obj("name", "Valid Agent", "skills", obj("refund", 4, "general", 3), "languages", List.of("zh"),
                "teams", List.of("vip-desk"), "capacity", obj("web", 5));
    }

    private static Map<String, Object> with(String field, Object value) {
        Map<String, Object> body = validProfile();
        body.put(field, value);
        return body;
    }

    private static Map<String, Object> without(String field) {
        Map<String, Object> body = validProfile();
        body.remove(field);
        return body;
    }

    private static JsonNode findById(JsonNode array, String id) {
        for (JsonNode n : array) {
            if (id.equals(n.get("id").asString())) {
                return n;
            }
        }
        throw new AssertionError("no " + id + " in the list");
    }

    private static JsonNode findCandidate(JsonNode decision, String agentId) {
        for (JsonNode c : decision.get("candidates")) {
            if (agentId.equals(c.get("agentId").asString())) {
                return c;
            }
        }
        throw new AssertionError("no candidate " + agentId + " in " + decision.get("candidates"));
    }
}
