package io.convrouter.audit;

import static io.convrouter.support.ApiClient.obj;
import static io.convrouter.support.ApiClient.query;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * The decision log over real HTTP: one conversation's trail with everything an auditor needs
 * (ruleset version, rules fired and where they live, plan, candidates with reasons, the winner),
 * and the filtered, paged listing.
 */
class DecisionApiTest extends ApiTestSupport {

    /** Tests run in rules-server/; the rules the server loaded are here. */
    private static final Path RULES_DIR = Path.of("../rules");

    // ------------------------------------------------------------------ one conversation's trail

    @Test
    void aConversationsTrailExplainsWhereItWentAndWhy() {
        String lang = newLanguage();
        String chosen = newAgentId();
        putAgent(chosen, profile(lang, 5));
        setPresence(chosen, "online");
        String unskilled = newAgentId();
        putAgent(unskilled, obj("name", "No refunds", "skills", obj("general", 5), "languages", List.of(lang),
                "capacity", obj("web", 5)));
        setPresence(unskilled, "online");
        String otherLanguage = newAgentId();
        putAgent(otherLanguage, profile(newLanguage(), 5));
        setPresence(otherLanguage, "online");
        String away = newAgentId();
        putAgent(away, profile(lang, 5));
        setPresence(away, "away");

        Map<String, Object> request = refundRequest(lang);
        request.put("customer", obj("id", unique("cust"), "tier", "regular", "returning", true,
                "lastAgentId", chosen, "orderCount", 3));
        JsonNode created = create(request);
        String id = created.get("id").asString();

        List<JsonNode> trail = trail(id);

        assertThat(trail).hasSize(1);
        JsonNode d = trail.get(0);
        assertThat(d.get("id").asString()).isEqualTo(created.get("decisionId").asString());
        assertThat(d.get("kind").asString()).isEqualTo("routed");
        assertThat(d.get("conversationId").asString()).isEqualTo(id);
        assertThat(Instant.parse(d.get("at").asString())).isNotNull();
        assertThat(d.get("rulesetVersion").asString()).isNotBlank()
                .isEqualTo(conversation(id).get("rulesetVersion").asString());
        assertThat(d.get("chosenAgentId").asString()).isEqualTo(chosen);
        assertThat(d.get("outcome").asString()).isEqualTo("assigned");
        assertThat(d.get("reason").asString()).isNotBlank();
        assertThat(d.get("durationMicros").asLong()).isNotNegative();

        // The inputs the rules saw.
        assertThat(d.get("input").get("conversation").get("text").asString()).isEqualTo(REFUND_TEXT);
        assertThat(d.get("input").get("customer").get("lastAgentId").asString()).isEqualTo(chosen);

        // The rules that fired, each pointing at a file in rules/ (and a sheet and row for tables).
        JsonNode fired = d.get("rulesFired");
        assertThat(fired).isNotEmpty();
        for (JsonNode rule : fired) {
            assertThat(rule.get("name").asString()).isNotBlank();
            String source = rule.get("source").asString();
            assertThat(source).as("source of %s", rule).isNotBlank();
            assertThat(Files.isRegularFile(RULES_DIR.resolve(source))).as("%s is a file in rules/", source).isTrue();
            for (String field : List.of("name", "source", "sheet", "row")) {
                assertThat(rule.has(field)).as("%s in %s", field, rule).isTrue();
            }
        }
        List<JsonNode> fromTables = new ArrayList<>();
        fired.forEach(r -> {
            if (r.get("source").asString().endsWith(".drl.xlsx")) {
                fromTables.add(r);
            }
        });
        assertThat(fromTables).as("rules fired from the decision tables").isNotEmpty().allSatisfy(r -> {
            assertThat(r.get("sheet").asString()).isNotBlank();
            assertThat(r.get("row").asInt()).isPositive();
        });
        assertThat(fired).as("the DRL rule for returning customers").anySatisfy(
                r -> assertThat(r.get("source").asString()).endsWith(".drl").doesNotEndWith(".drl.xlsx"));

        // The plan the rules made.
        JsonNode plan = d.get("plan");
        assertThat(plan.get("intent").asString()).isEqualTo("refund");
        assertThat(plan.get("queue").asString()).isEqualTo("after-sales");
        assertThat(plan.get("priority").asInt()).isEqualTo(50);
        assertThat(plan.get("requiredSkills").get("refund").asInt()).isEqualTo(3);
        assertThat(plan.get("language").asString()).isEqualTo(lang);
        assertThat(plan.get("preferredAgentId").asString()).isEqualTo(chosen);

        // Every candidate with why it won or lost.
        JsonNode winner = candidate(d, chosen);
        assertThat(winner.get("eligible").asBoolean()).isTrue();
        assertThat(winner.get("rank").asInt()).isEqualTo(1);
        assertThat(winner.get("excludedBecause")).isEmpty();
        assertThat(winner.get("score").get("preferred").asBoolean()).isTrue();
        assertThat(winner.get("score").has("loadRatio")).isTrue();
        // The returning customer's last agent is online, so for the sticky window nobody else may take it.
        assertThat(reasons(d, unskilled)).containsExactly("waiting for the preferred agent " + chosen,
                "lacks skill refund (needs level 3)");
        assertThat(reasons(d, otherLanguage)).containsExactly("waiting for the preferred agent " + chosen,
                "does not speak " + lang);
        assertThat(reasons(d, away)).containsExactly("agent is away", "waiting for the preferred agent " + chosen);
        assertThat(candidate(d, unskilled).get("eligible").asBoolean()).isFalse();
    }

    @Test
    void theTrailGrowsWithEachStepOldestFirst() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 1);
        String first = create(refundRequest(lang)).get("id").asString();
        String second = create(refundRequest(lang)).get("id").asString();

        close(first, "resolved", 5);

        List<JsonNode> firstTrail = trail(first);
        assertThat(kinds(firstTrail)).containsExactly("routed", "closed");
        JsonNode closed = firstTrail.get(1);
        assertThat(closed.get("chosenAgentId").asString()).isEqualTo(agentId);
        assertThat(closed.get("outcome").asString()).isEqualTo("resolved");
        assertThat(closed.get("rulesetVersion").asString()).isEqualTo(firstTrail.get(0).get("rulesetVersion").asString());
        assertThat(Instant.parse(closed.get("at").asString()))
                .isAfterOrEqualTo(Instant.parse(firstTrail.get(0).get("at").asString()));

        List<JsonNode> secondTrail = trail(second);
        assertThat(kinds(secondTrail)).containsExactly("routed", "assigned");
        JsonNode routed = secondTrail.get(0);
        assertThat(routed.get("outcome").asString()).isEqualTo("queued");
        assertThat(routed.get("chosenAgentId").isNull()).isTrue();
        assertThat(reasons(routed, agentId)).containsExactly("at capacity on web (1/1)");
        JsonNode assigned = secondTrail.get(1);
        assertThat(assigned.get("chosenAgentId").asString()).isEqualTo(agentId);
        assertThat(candidate(assigned, agentId).get("eligible").asBoolean()).isTrue();
        assertThat(assigned.get("plan").get("queue").asString()).isEqualTo("after-sales");
    }

    @Test
    void aBotDecisionNamesTheRuleAndHasNoCandidates() {
        String lang = newLanguage();
        onlineAgent(lang, 5);
        Map<String, Object> request = refundRequest(lang);
        request.put("customer", obj("tier", "blacklist"));
        String id = create(request).get("id").asString();

        JsonNode d = trail(id).get(0);

        assertThat(d.get("outcome").asString()).isEqualTo("bot");
        assertThat(d.get("chosenAgentId").isNull()).isTrue();
        assertThat(d.get("candidates")).isEmpty();
        assertThat(d.get("plan").get("botFirst").asBoolean()).isTrue();
        assertThat(d.get("rulesFired")).anySatisfy(r -> assertThat(r.get("source").asString()).isEqualTo("guards.drl"));
    }

    // ------------------------------------------------------------------ listing and filters

    @Test
    void decisionsAreFilteredByAgentAndPagedNewestFirst() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 1);
        String first = create(refundRequest(lang)).get("id").asString();   // routed to the agent
        String second = create(refundRequest(lang)).get("id").asString();  // routed to the queue
        close(first, "resolved", null);                                    // closed + second assigned

        ApiClient.Response all = list("agentId=" + agentId);

        assertThat(all.status()).isEqualTo(200);
        assertThat(all.json().get("total").asLong()).isEqualTo(3);
        List<JsonNode> items = items(all);
        assertThat(items).hasSize(3).allSatisfy(d -> assertThat(d.get("chosenAgentId").asString()).isEqualTo(agentId));
        assertThat(items).extracting(d -> d.get("kind").asString())
                .containsExactlyInAnyOrder("routed", "closed", "assigned");
        assertThat(items).extracting(d -> d.get("conversationId").asString())
                .containsExactlyInAnyOrder(first, first, second);
        for (int i = 1; i < items.size(); i++) {
            assertThat(Instant.parse(items.get(i).get("at").asString()))
                    .isBeforeOrEqualTo(Instant.parse(items.get(i - 1).get("at").asString()));
        }

        ApiClient.Response page0 = list("agentId=" + agentId + "&size=2&page=0");
        ApiClient.Response page1 = list("agentId=" + agentId + "&size=2&page=1");
        ApiClient.Response page2 = list("agentId=" + agentId + "&size=2&page=2");

        assertThat(items(page0)).hasSize(2);
        assertThat(items(page1)).hasSize(1);
        assertThat(items(page2)).isEmpty();
        for (ApiClient.Response p : List.of(page0, page1, page2)) {
            assertThat(p.json().get("total").asLong()).isEqualTo(3);
            assertThat(p.json().get("size").asInt()).isEqualTo(2);
        }
        assertThat(page1.json().get("page").asInt()).isEqualTo(1);
        Set<String> paged = new LinkedHashSet<>();
        items(page0).forEach(d -> paged.add(d.get("id").asString()));
        items(page1).forEach(d -> paged.add(d.get("id").asString()));
        assertThat(paged).containsExactlyElementsOf(ids(items));

        // A page far beyond the end is empty (page * size does not wrap around to earlier pages).
        for (String far : List.of("page=100000000&size=500", "page=2147483647&size=2")) {
            ApiClient.Response beyond = list("agentId=" + agentId + "&" + far);
            assertThat(items(beyond)).as(far).isEmpty();
            assertThat(beyond.json().get("total").asLong()).isEqualTo(3);
        }
    }

    @Test
    void decisionsAreFilteredByRule() {
        String lang = newLanguage();
        String regular = create(refundRequest(lang)).get("id").asString();
        String vip = create(vipRefundRequest(lang)).get("id").asString();
        Set<String> regularRules = ruleNames(trail(regular).get(0));
        Set<String> vipOnly = ruleNames(trail(vip).get(0));
        vipOnly.removeAll(regularRules);
        assertThat(vipOnly).as("a rule fires for VIPs only").isNotEmpty();
        String rule = vipOnly.iterator().next();

        assertThat(list("rule=" + query(rule) + "&conversationId=" + vip).json().get("total").asLong()).isEqualTo(1);
        assertThat(list("rule=" + query(rule) + "&conversationId=" + regular).json().get("total").asLong()).isZero();
        ApiClient.Response byRule = list("rule=" + query(rule) + "&size=20");
        assertThat(byRule.json().get("total").asLong()).isPositive();
        assertThat(items(byRule)).isNotEmpty().allSatisfy(d -> assertThat(ruleNames(d)).contains(rule));
        assertThat(list("rule=" + query("no rule has this name " + unique("x"))).json().get("total").asLong())
                .isZero();
    }

    @Test
    void decisionsAreFilteredByQueueAndConversation() {
        String lang = newLanguage();
        String vip = create(vipRefundRequest(lang)).get("id").asString();
        String regular = create(refundRequest(lang)).get("id").asString();

        assertThat(list("queue=vip-desk&conversationId=" + vip).json().get("total").asLong()).isEqualTo(1);
        assertThat(list("queue=after-sales&conversationId=" + vip).json().get("total").asLong()).isZero();
        assertThat(list("queue=after-sales&conversationId=" + regular).json().get("total").asLong()).isEqualTo(1);
        ApiClient.Response vipDesk = list("queue=vip-desk&size=20");
        assertThat(items(vipDesk)).isNotEmpty()
                .allSatisfy(d -> assertThat(d.get("plan").get("queue").asString()).isEqualTo("vip-desk"));

        ApiClient.Response one = list("conversationId=" + vip);
        assertThat(one.json().get("total").asLong()).isEqualTo(1);
        assertThat(items(one)).singleElement()
                .satisfies(d -> assertThat(d.get("conversationId").asString()).isEqualTo(vip));
        assertThat(list("conversationId=" + unique("none")).json().get("total").asLong()).isZero();
    }

    @Test
    void decisionsAreFilteredByTimeFromInclusiveToExclusive() {
        String lang = newLanguage();
        String agentId = onlineAgent(lang, 2);
        String id = create(refundRequest(lang)).get("id").asString();
        close(id, "resolved", null);
        List<JsonNode> trail = trail(id);
        Instant routedAt = Instant.parse(trail.get(0).get("at").asString());
        Instant closedAt = Instant.parse(trail.get(1).get("at").asString());
        String agent = "agentId=" + agentId;

        assertThat(ids(items(list(agent + "&from=" + routedAt + "&to=" + routedAt.plusMillis(1)))))
                .contains(trail.get(0).get("id").asString());
        assertThat(ids(items(list(agent + "&to=" + routedAt)))).isEmpty();
        assertThat(ids(items(list(agent + "&from=" + closedAt.plusMillis(1))))).isEmpty();
        assertThat(ids(items(list(agent + "&from=" + routedAt)))).containsExactlyInAnyOrderElementsOf(ids(trail));
        ApiClient.Response window = list("from=" + routedAt + "&to=" + closedAt.plusMillis(1) + "&size=500");
        assertThat(items(window)).isNotEmpty().allSatisfy(d -> {
            Instant at = Instant.parse(d.get("at").asString());
            assertThat(at).isAfterOrEqualTo(routedAt).isBefore(closedAt.plusMillis(1));
        });
    }

    @Test
    void badListingParametersAreA400ProblemNamingTheParameter() {
        assertProblem(list("from=yesterday"), 400, "from");
        assertProblem(list("to=2026-13-45T00:00:00Z"), 400, "to");
        assertProblem(list("from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z"), 400, "from");
        assertProblem(list("from=2026-01-01T00:00:00Z&to=2026-01-01T00:00:00Z"), 400, "from");
        assertProblem(list("size=0"), 400, "size");
        assertProblem(list("size=501"), 400, "size");
        assertProblem(list("size=ten"), 400, "size");
        assertProblem(list("page=-1"), 400, "page");
        assertProblem(list("page=abc"), 400, "page");
        assertThat(list("size=500").status()).isEqualTo(200);
    }

    @Test
    void anUnfilteredListingHasTheDefaultPage() {
        ApiClient.Response r = list("");

        assertThat(r.status()).isEqualTo(200);
        assertThat(r.json().get("page").asInt()).isZero();
        assertThat(r.json().get("size").asInt()).isEqualTo(50);
        assertThat(r.json().get("total").asLong()).isGreaterThanOrEqualTo(items(r).size());
        assertThat(items(r).size()).isLessThanOrEqualTo(50);
    }

    // ------------------------------------------------------------------ helpers

    private ApiClient.Response list(String queryString) {
        return api.get("/api/v1/decisions" + (queryString.isEmpty() ? "" : "?" + queryString));
    }

    private static List<JsonNode> items(ApiClient.Response page) {
        assertThat(page.status()).as("%s", page).isEqualTo(200);
        List<JsonNode> items = new ArrayList<>();
        page.json().get("items").forEach(items::add);
        return items;
    }

    private static List<String> ids(List<JsonNode> decisions) {
        return decisions.stream().map(d -> d.get("id").asString()).toList();
    }

    private static Set<String> ruleNames(JsonNode decision) {
        Set<String> names = new HashSet<>();
        decision.get("rulesFired").forEach(r -> names.add(r.get("name").asString()));
        return names;
    }

    private static JsonNode candidate(JsonNode decision, String agentId) {
        for (JsonNode c : decision.get("candidates")) {
            if (agentId.equals(c.get("agentId").asString())) {
                return c;
            }
        }
        throw new AssertionError("no candidate " + agentId + " in " + decision.get("candidates"));
    }

    private static List<String> reasons(JsonNode decision, String agentId) {
        JsonNode c = candidate(decision, agentId);
        assertThat(c.get("eligible").asBoolean()).as("%s eligible", agentId).isFalse();
        List<String> reasons = new ArrayList<>();
        c.get("excludedBecause").forEach(r -> reasons.add(r.asString()));
        return reasons;
    }
}
