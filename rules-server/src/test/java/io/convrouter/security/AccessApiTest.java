package io.convrouter.security;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import io.convrouter.support.TestKeys;

/**
 * Each role against one endpoint of every area: the roles allowed get past the door (the answer
 * is the endpoint's own, such as 200, 201 or a 404 for an id that does not exist), the others get
 * a 403 problem naming their role and the roles that may; no key or an unknown key gets a 401.
 */
class AccessApiTest extends ApiTestSupport {
    private static final List<String> ROLES = List.of("admin", "integration", "ops", "supervisor", "auditor");
    private static final String NO_SUCH = "/api/v1/conversations/no-such-conversation";

    /** One call: what it is, how to make it, who may. */
    record Call(String area, String method, String path, Function<AccessApiTest, String> body, Set<String> allowed) {
        @Override
        public String toString() {
            return area + ": " + method + " " + path;
        }
    }

    static Stream<Arguments> calls() {
        List<Call> calls = List.of(
                new Call("intake", "POST", "/api/v1/conversations",
                        t -> ApiClient.toJson(refundRequest(newLanguage())), Set.of("admin", "integration")),
                new Call("batch", "POST", "/api/v1/conversations/batch",
                        t -> ApiClient.toJson(obj("conversations", List.of(refundRequest(newLanguage())))),
                        Set.of("admin", "integration")),
                new Call("lifecycle", "POST", NO_SUCH + "/close",
                        t -> ApiClient.toJson(obj("outcome", "resolved")), Set.of("admin", "integration")),
                new Call("lifecycle", "POST", NO_SUCH + "/accept",
                        t -> ApiClient.toJson(obj("agentId", "a-1")), Set.of("admin", "integration")),
                new Call("presence", "PUT", "/api/v1/agents/00-access-agent/presence",
                        t -> ApiClient.toJson(obj("status", "offline")), Set.of("admin", "integration")),
                new Call("roster", "PUT", "/api/v1/agents/00-access-agent",
                        t -> ApiClient.toJson(profile(newLanguage(), 1)), Set.of("admin", "integration", "ops")),
                new Call("conversation", "GET", NO_SUCH, null, Set.of("admin", "integration", "supervisor")),
                new Call("position", "GET", NO_SUCH + "/position", null, Set.of("admin", "integration", "supervisor")),
                new Call("trail", "GET", NO_SUCH + "/decisions", null, Set.of("admin", "supervisor", "auditor")),
                new Call("agents", "GET", "/api/v1/agents", null, Set.of("admin", "integration", "ops", "supervisor")),
                new Call("queues", "GET", "/api/v1/queues", null, Set.of("admin", "ops", "supervisor")),
                new Call("rebalancer", "GET", "/api/v1/rebalance", null, Set.of("admin", "ops", "supervisor")),
                new Call("rulesets", "GET", "/api/v1/rulesets", null, Set.of("admin", "ops", "auditor")),
                new Call("rulesets", "POST", "/api/v1/rulesets/no-such-version/activate", null, Set.of("admin", "ops")),
                new Call("replays", "POST", "/api/v1/rulesets/no-such-version/replay", null, Set.of("admin", "ops")),
                new Call("webhooks", "GET", "/api/v1/events", null, Set.of("admin", "ops")),
                new Call("decisions", "GET", "/api/v1/decisions?size=1", null, Set.of("admin", "auditor")),
                new Call("exports", "GET", "/api/v1/decisions/export?from=2026-01-01T00:00:00Z&to=2026-01-02T00:00:00Z",
                        null, Set.of("admin", "auditor")),
                new Call("reports", "GET", "/api/v1/reports/kpis", null, Set.of("admin", "auditor", "supervisor")),
                new Call("metrics", "GET", "/actuator/prometheus", null, Set.of("admin", "ops", "supervisor")),
                new Call("whoami", "GET", "/api/v1/whoami", null, Set.copyOf(ROLES)),
                new Call("unlisted", "GET", "/api/v1/not-an-endpoint", null, Set.of("admin")));
        return calls.stream().flatMap(c -> ROLES.stream().map(role -> Arguments.of(c, role)));
    }

    @ParameterizedTest(name = "{0} as {1}")
    @MethodSource("calls")
    void eachRoleIsLetThroughOrTurnedAway(Call call, String role) {
        if (call.path().startsWith("/api/v1/agents/00-access-agent")) {
            putAgent("00-access-agent", profile(newLanguage(), 1));
        }
        String body = call.body() == null ? null : call.body().apply(this);
        ApiClient.Response r = as(role).request(call.method(), call.path(), body == null ? null : "application/json", body);
        if (call.allowed().contains(role)) {
            assertThat(r.status()).as("%s as %s: %s", call, role, r).isNotIn(401, 403).isLessThan(500);
        } else {
            assertProblem(r, 403, null);
            assertThat(r.text("detail")).as("%s as %s", call, role)
                    .contains("role " + role)
                    .contains(call.method() + " " + call.path().replaceAll("\\?.*", ""))
                    .contains("needs one of: ");
            for (String allowed : call.allowed()) {
                assertThat(r.text("detail")).as("%s names %s", r, allowed).contains(allowed);
            }
        }
    }

    @Test
    void withoutAKeyEveryNonPublicEndpointAnswers401SayingWhatIsMissing() {
        ApiClient anonymous = api.withoutKey();
        for (String path : List.of("/api/v1/queues", "/api/v1/decisions", "/api/v1/rulesets", "/api/v1/whoami",
                "/actuator/prometheus", "/api/v1/not-an-endpoint")) {
            ApiClient.Response r = anonymous.get(path);
            assertProblem(r, 401, "X-API-Key");
            assertThat(r.text("detail")).as("%s: %s", path, r).contains("X-API-Key");
        }
        ApiClient.Response post = anonymous.post("/api/v1/conversations", refundRequest(newLanguage()));
        assertProblem(post, 401, "X-API-Key");
    }

    @Test
    void anUnknownKeyIs401AndSaysTheKeyIsNotKnown() {
        ApiClient.Response r = api.withKey("not-a-key-this-server-knows").get("/api/v1/queues");
        assertProblem(r, 401, "X-API-Key");
        assertThat(r.text("detail")).contains("does not hold a key this server knows");
        assertThat(r.raw()).doesNotContain("not-a-key-this-server-knows");
    }

    @Test
    void healthAndReadinessNeedNoKey() {
        ApiClient anonymous = api.withoutKey();
        for (String path : List.of("/actuator/health", "/actuator/health/readiness", "/actuator/health/liveness")) {
            ApiClient.Response r = anonymous.get(path);
            assertThat(r.status()).as("%s: %s", path, r).isEqualTo(200);
            assertThat(r.text("status")).isEqualTo("UP");
        }
    }

    @Test
    void theApiDescriptionNeedsNoKey() {
        ApiClient anonymous = api.withoutKey();
        assertThat(anonymous.get("/v3/api-docs").status()).isEqualTo(200);
        ApiClient.Response ui = anonymous.get("/swagger-ui/index.html");
        assertThat(ui.status()).as("%s", ui).isEqualTo(200);
        assertThat(ui.raw()).contains("swagger-ui");
    }

    @Test
    void whoamiNamesTheKeyAndItsRole() {
        for (Map.Entry<String, String> e : TestKeys.BY_ROLE.entrySet()) {
            ApiClient.Response r = api.withKey(e.getValue()).get("/api/v1/whoami");
            assertThat(r.status()).as("%s", r).isEqualTo(200);
            assertThat(r.text("name")).isEqualTo("test-" + e.getKey());
            assertThat(r.text("role")).isEqualTo(e.getKey());
        }
    }

    @Test
    void aRefusedPathIsAProblemToo() {
        ApiClient.Response r = api.get("/api/v1//queues");
        assertProblem(r, 400, null);
        assertThat(r.text("detail")).contains("the request path is not accepted");
    }

    @Test
    void pathTricksDoNotSlipPastTheRules() {
        // An encoded slash or a dot segment could make the rules and Spring MVC see different paths;
        // they are refused before any rule is consulted.
        ApiClient supervisor = as("supervisor");
        for (String path : List.of("/api/v1/queues/..%2F..%2Fapi/v1/rulesets", "/api/v1/queues/../rulesets",
                "/api/v1/queues;x=1/../../v1/rulesets")) {
            ApiClient.Response r = supervisor.get(path);
            assertThat(r.status()).as("%s: %s", path, r).isIn(400, 403, 404);
            assertThat(r.raw()).as("%s", path).doesNotContain("activeVersion");
        }
    }
}
