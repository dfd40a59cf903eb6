package io.convrouter.reports;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.convrouter.classify.ActiveRuleset;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RuleSource;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.policy.PolicyService;
import io.convrouter.support.ApiClient;
import io.convrouter.support.ClockedApiTestSupport;
import io.convrouter.support.TestKeys;
import tools.jackson.databind.JsonNode;

/**
 * The managers' reports over REST, on a clock the test moves. Each test first clears what other
 * tests left waiting and moves to a quiet time, so that everything in its range is its own; then it
 * drives traffic through the API (agents, conversations, offers rejected and timed out, a reclaim,
 * relaxation, a bot handoff, closes with outcomes and satisfaction, abandons, an A/B experiment)
 * and checks every figure of the report against figures the test computes itself, from what it
 * did and what the API said.
 */
class ReportsApiTest extends ClockedApiTestSupport {
    static final String PRICE_TEXT = "这款羽绒服的价格是多少"; // intent price: queue sales (offers, round robin)
    static final String GREETING = "你好";                  // no intent: queue general (to the bot when nobody can serve)
    static final String COMPLAINT_TEXT = "我要投诉，客服态度太差了";
    /** The queues' strategies in workbench-config/queues.yaml. */
    static final Map<String, String> STRATEGY = Map.of("after-sales", "best-skill", "sales", "round-robin",
            "general", "most-available", "complaints", "performance");
    /** Decisions the KPI report counts as events, by their wire name. */
    static final Set<String> EVENT_KINDS = Set.of("rejected", "timed_out", "reclaimed", "relaxed", "rebalanced",
            "handed_off");
    static final List<String> FIGURES = List.of("conversations", "answered", "answeredWithinSla", "abandoned",
            "waiting", "parked", "dropped", "averageWaitSeconds", "p90WaitSeconds", "serviceLevel", "abandonmentRate",
            "averageFirstResponseSeconds", "firstResponses", "reRouted", "reRoutes", "closed", "resolved", "converted",
            "resolutionRate", "conversionRate", "averageSatisfaction", "satisfactionResponses", "averageHandleSeconds");
    static final List<String> EVENTS = List.of("rejected", "timedOut", "reclaimed", "relaxed", "overflowed",
            "rebalanced", "handedOff");

    @Autowired
    private PolicyService policies;
    @Autowired
    private ActiveRuleset activeRuleset;
    @LocalServerPort
    private int port;

    // ================================================================== the traffic the test saw

    /** A conversation as the test saw it: filled from the API answers and the test's own clock. */
    static final class Seen {
        String id;
        String channel;
        String campaign;
        String landingPage;
        String queue;
        String intent;
        String agent;
        String strategy;
        String variant;
        String status;
        String outcome;
        Integer satisfaction;
        int sla;
        int reroutes;
        Instant queuedAt;
        Instant assignedAt;
        Instant firstReplyAt;
        Instant endedAt;
    }

    /** A decision that moved a conversation, as the test expects it: its kind (wire name) and its agent. */
    record Event(String kind, Seen conversation, String agent) {}

    private final Map<String, Seen> seen = new LinkedHashMap<>();
    private final List<Event> events = new ArrayList<>();

    /**
     * Takes everything other tests left waiting or offered out of the queue (abandoned), fires
     * what their timers still had due, and moves to a fresh hour: nothing but this test's traffic
     * happens in its range.
     */
    private Instant quietWindow() {
        for (int round = 0; round < 10; round++) {
            for (Dispatcher.Movable m : dispatcher.snapshot().movable()) {
                api.post("/api/v1/conversations/" + m.conversation().id() + "/abandon"); // 409 if it ended meanwhile
            }
            advanceAndTick(Duration.ofDays(1));
            if (dispatcher.snapshot().movable().isEmpty()) {
                break;
            }
        }
        assertThat(dispatcher.snapshot().movable()).as("left waiting by other tests").isEmpty();
        advanceAndTick(Duration.ofHours(1));
        return now();
    }

    private void at(Instant start, int seconds) {
        clock.advanceTo(start.plusSeconds(seconds));
    }

    private Map<String, Object> message(String channel, String text, String language, String customer, String campaign,
                                        String landingPage) {
        Map<String, Object> entry = obj("campaign", campaign, "landingPage", landingPage);
        return obj("channel", channel, "externalId", unique("ext"), "text", text, "language", language,
                "customer", obj("id", customer, "tier", "regular"), "entry", entry);
    }

    /** Posts a conversation and remembers it as it started waiting now. */
    private Seen arrive(Map<String, Object> message) {
        JsonNode c = create(message);
        Seen s = new Seen();
        s.id = c.get("id").asString();
        s.queuedAt = now();
        seen.put(s.id, s);
        return s;
    }

    private JsonNode ok(ApiClient.Response r) {
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        return r.json();
    }

    private JsonNode act(String action, Seen c, String agentId) {
        return ok(api.post("/api/v1/conversations/" + c.id + "/" + action, obj("agentId", agentId)));
    }

    /** What the API says about each conversation now, with what only the test knows (when it started waiting, the variant). */
    private void fillFromApi(String experimentId, String variantVersion) {
        for (Seen s : seen.values()) {
            JsonNode c = conversation(s.id);
            s.channel = c.get("channel").asString();
            JsonNode entry = c.get("entry");
            s.campaign = entry.get("campaign").isNull() ? null : entry.get("campaign").asString();
            s.landingPage = entry.get("landingPage").isNull() ? null : entry.get("landingPage").asString();
            s.queue = c.get("queue").asString();
            s.intent = c.get("intent").isNull() ? null : c.get("intent").asString();
            s.agent = c.get("agentId").isNull() ? null : c.get("agentId").asString();
            s.status = c.get("status").asString();
            s.outcome = c.get("outcome").isNull() ? null : c.get("outcome").asString();
            s.satisfaction = c.get("satisfaction").isNull() ? null : c.get("satisfaction").asInt();
            s.sla = c.get("slaSeconds").asInt();
            s.reroutes = c.get("reroutes").asInt();
            s.assignedAt = instant(c, "assignedAt");
            s.firstReplyAt = instant(c, "firstReplyAt");
            s.endedAt = instant(c, "endedAt");
            s.variant = experimentId + "/" + (c.get("rulesetVersion").asString().equals(variantVersion)
                    ? ActiveRuleset.Selection.VARIANT : ActiveRuleset.Selection.CONTROL);
        }
    }

    private static Instant instant(JsonNode c, String field) {
        return c.get(field).isNull() ? null : Instant.parse(c.get(field).asString());
    }

    // ================================================================== figures the test computes

    /** Every figure of every group, computed from what the test saw; events counted by the event's own agent. */
    private Map<String, Map<String, Object>> expected(Function<Seen, String> key, Function<Event, String> eventKey) {
        Map<String, List<Seen>> conversations = new LinkedHashMap<>();
        for (Seen s : seen.values()) {
            conversations.computeIfAbsent(orNone(key.apply(s)), k -> new ArrayList<>()).add(s);
        }
        Map<String, List<Event>> moves = new LinkedHashMap<>();
        for (Event e : events) {
            moves.computeIfAbsent(orNone(eventKey.apply(e)), k -> new ArrayList<>()).add(e);
        }
        Set<String> groups = new TreeSet<>(conversations.keySet());
        groups.addAll(moves.keySet());
        Map<String, Map<String, Object>> result = new LinkedHashMap<>();
        for (String g : groups) {
            result.put(g, figures(conversations.getOrDefault(g, List.of()), moves.getOrDefault(g, List.of())));
        }
        return result;
    }

    private static String orNone(String key) {
        return key == null ? "(none)" : key;
    }

    private static Map<String, Object> figures(List<Seen> list, List<Event> moves) {
        Map<String, Object> f = new LinkedHashMap<>();
        List<Long> waits = new ArrayList<>();
        long within = 0;
        long abandoned = 0;
        for (Seen s : list) {
            if (s.assignedAt != null) {
                long wait = Duration.between(s.queuedAt, s.assignedAt).toSeconds();
                waits.add(wait);
                if (wait <= s.sla) {
                    within++;
                }
            } else if (s.status.equals("abandoned")) {
                abandoned++;
            }
        }
        long answered = waits.size();
        f.put("conversations", (long) list.size());
        f.put("answered", answered);
        f.put("answeredWithinSla", within);
        f.put("abandoned", abandoned);
        f.put("waiting", list.stream().filter(s -> s.status.equals("queued") || s.status.equals("offered")).count());
        f.put("parked", list.stream().filter(s -> Set.of("bot", "message", "callback").contains(s.status)).count());
        f.put("dropped", list.stream().filter(s -> s.status.equals("dropped")).count());
        f.put("averageWaitSeconds", answered == 0 ? null : waits.stream().mapToLong(Long::longValue).average().orElseThrow());
        List<Long> sorted = waits.stream().sorted().toList();
        f.put("p90WaitSeconds", sorted.isEmpty() ? null : sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1));
        f.put("serviceLevel", answered + abandoned == 0 ? null : (double) within / (answered + abandoned));
        f.put("abandonmentRate", answered + abandoned == 0 ? null : (double) abandoned / (answered + abandoned));
        List<Long> firstResponses = list.stream().filter(s -> s.firstReplyAt != null)
                .map(s -> Duration.between(s.queuedAt, s.firstReplyAt).toSeconds()).toList();
        f.put("averageFirstResponseSeconds", firstResponses.isEmpty() ? null
                : firstResponses.stream().mapToLong(Long::longValue).average().orElseThrow());
        f.put("firstResponses", (long) firstResponses.size());
        f.put("reRouted", list.stream().filter(s -> s.reroutes > 0).count());
        f.put("reRoutes", list.stream().mapToLong(s -> s.reroutes).sum());
        List<Seen> closed = list.stream().filter(s -> s.status.equals("closed")).toList();
        long resolved = closed.stream().filter(s -> s.outcome.equals("resolved") || s.outcome.equals("converted")).count();
        long converted = closed.stream().filter(s -> s.outcome.equals("converted")).count();
        f.put("closed", (long) closed.size());
        f.put("resolved", resolved);
        f.put("converted", converted);
        f.put("resolutionRate", closed.isEmpty() ? null : (double) resolved / closed.size());
        f.put("conversionRate", closed.isEmpty() ? null : (double) converted / closed.size());
        List<Integer> scores = list.stream().map(s -> s.satisfaction).filter(java.util.Objects::nonNull).toList();
        f.put("averageSatisfaction", scores.isEmpty() ? null : scores.stream().mapToInt(Integer::intValue).average().orElseThrow());
        f.put("satisfactionResponses", (long) scores.size());
        List<Long> handle = closed.stream().filter(s -> s.assignedAt != null)
                .map(s -> Duration.between(s.assignedAt, s.endedAt).toSeconds()).toList();
        f.put("averageHandleSeconds", handle.isEmpty() ? null : handle.stream().mapToLong(Long::longValue).average().orElseThrow());
        Map<String, String> eventOfKind = Map.of("rejected", "rejected", "timed_out", "timedOut", "reclaimed", "reclaimed",
                "relaxed", "relaxed", "rebalanced", "rebalanced", "handed_off", "handedOff");
        for (String e : EVENTS) {
            f.put("events." + e, 0L);
        }
        for (Event e : moves) {
            f.merge("events." + eventOfKind.get(e.kind()), 1L, (a, b) -> (Long) a + (Long) b);
        }
        return f;
    }

    /** The report's groups match the expected ones exactly: the same groups, and every figure. */
    private static void assertGroups(JsonNode report, Map<String, Map<String, Object>> expected, String by) {
        Map<String, JsonNode> rows = new LinkedHashMap<>();
        report.get("groups").forEach(r -> rows.put(r.get("group").asString(), r));
        assertThat(rows.keySet()).as("groups by %s", by).containsExactlyInAnyOrderElementsOf(expected.keySet());
        expected.forEach((group, figures) -> assertRow(rows.get(group), figures, by + " " + group));
    }

    private static void assertRow(JsonNode row, Map<String, Object> figures, String what) {
        figures.forEach((name, value) -> {
            JsonNode actual = name.startsWith("events.") ? row.get("events").get(name.substring(7)) : row.get(name);
            String as = what + ": " + name + " in " + row;
            assertThat(actual).as(as).isNotNull();
            if (value == null) {
                assertThat(actual.isNull()).as(as).isTrue();
            } else if (value instanceof Long l) {
                assertThat(actual.asLong()).as(as).isEqualTo(l);
            } else {
                // The server rounds seconds to the millisecond and rates to 4 decimals.
                assertThat(actual.asDouble()).as(as).isCloseTo((Double) value, within(0.0006));
            }
        });
    }

    private JsonNode report(String query) {
        ApiClient.Response r = api.get("/api/v1/reports/" + query);
        assertThat(r.status()).as("GET %s: %s", query, r).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/json");
        return r.json();
    }

    private static String range(Instant from, Instant to) {
        return "from=" + from + "&to=" + to;
    }

    // ================================================================== KPIs

    @Test
    void everyFigureOfEveryDimensionMatchesTheTrafficThatMadeIt() throws IOException {
        String lang = newLanguage();
        String nobodySpeaks = newLanguage();
        // One place each on web and WeChat, two in the app (weighted units to spare); a1 is the better at refunds
        // (after-sales ranks by best skill).
        String a1 = newAgentId();
        String a2 = newAgentId();
        for (String a : List.of(a1, a2)) {
            putAgent(a, obj("name", "Agent " + a, "skills", obj("refund", a.equals(a1) ? 4 : 3, "sales", 3, "general", 3),
                    "languages", List.of(lang), "capacity", obj("web", 1, "wechat", 1, "app", 2), "maxUnits", 10_000));
            setPresence(a, "online");
        }
        // An A/B experiment with a copy of the active rules (a comment added): half the customers on each side.
        String variantVersion = variantOfTheActiveRules();
        String experimentId = policies.startExperiment(variantVersion, 0.5, "reports-test").experiment().id();
        try {
            Instant t0 = quietWindow();
            String campaignA = unique("spring-sale");
            String campaignB = "=双11, \"early\" " + unique("b"); // a comma, quotes and a formula sign, for the CSV
            List<String> customers = alternatingCustomers(experimentId, 10);

            // t0: three refunds fill the agents' web and wechat places; the fourth waits.
            Seen c1 = arrive(message("web", REFUND_TEXT, lang, customers.get(0), campaignA, "/p/a"));
            Seen c2 = arrive(message("wechat", REFUND_TEXT, lang, customers.get(1), campaignB, "/p/b"));
            Seen c3 = arrive(message("web", REFUND_TEXT, lang, customers.get(2), campaignA, "/p/b"));
            Seen c4 = arrive(message("web", REFUND_TEXT, lang, customers.get(3), campaignB, null));
            assertThat(conversation(c4.id).get("status").asString()).isEqualTo("queued");
            // Two price questions are offered (sales: the agent must accept, in 20 s).
            Seen s1 = arrive(message("app", PRICE_TEXT, lang, customers.get(4), campaignA, "/p/a"));
            Seen s2 = arrive(message("app", PRICE_TEXT, lang, customers.get(5), null, null));
            JsonNode offer1 = conversation(s1.id);
            JsonNode offer2 = conversation(s2.id);
            assertThat(offer1.get("status").asString()).as("%s", offer1).isEqualTo("offered");
            assertThat(offer2.get("status").asString()).as("%s", offer2).isEqualTo("offered");
            String x = offer1.get("agentId").asString();
            String z = offer2.get("agentId").asString();
            String y = x.equals(a1) ? a2 : a1;
            String w = z.equals(a1) ? a2 : a1;
            // Greetings in a language nobody speaks go to the bot.
            Seen b1 = arrive(message("web", GREETING, nobodySpeaks, customers.get(6), campaignA, null));
            Seen b2 = arrive(message("web", GREETING, nobodySpeaks, customers.get(7), null, "/p/c"));
            assertThat(conversation(b1.id).get("status").asString()).isEqualTo("bot");

            at(t0, 5);
            act("reject", s1, x); // offered to the other agent at once
            events.add(new Event("rejected", s1, x));
            at(t0, 8);
            assertThat(act("accept", s1, y).get("status").asString()).isEqualTo("assigned");
            at(t0, 10);
            act("first-reply", c1, conversation(c1.id).get("agentId").asString());
            advanceAndTick(Duration.ofSeconds(10)); // t0 + 20: s2's offer times out, goes to the other agent
            events.add(new Event("timed_out", s2, z));
            at(t0, 22);
            act("first-reply", s1, y);
            at(t0, 25);
            act("accept", s2, w);
            at(t0, 30);
            // The bot hands b2 over: a refund, but nobody speaks the language: it waits in after-sales.
            ApiClient.Response handed = api.post("/api/v1/conversations/" + b2.id + "/handoff",
                    obj("intent", "refund", "confidence", 0.9, "reason", "asked for a person"));
            assertThat(handed.text("status")).as("%s", handed).isEqualTo("queued");
            assertThat(handed.text("queue")).isEqualTo("after-sales");
            b2.queuedAt = now();
            events.add(new Event("handed_off", b2, null));
            at(t0, 40);
            String c1Agent = conversation(c1.id).get("agentId").asString();
            close(c1.id, "resolved", 5); // frees a web place: c4 goes to that agent
            assertThat(conversation(c4.id).get("agentId").asString()).isEqualTo(c1Agent);
            Seen c5 = arrive(message("web", REFUND_TEXT, lang, customers.get(8), campaignA, "/p/a"));
            at(t0, 50);
            abandon(c5.id);
            Seen c6 = arrive(message("web", REFUND_TEXT, lang, customers.get(9), campaignB, "/p/b"));
            assertThat(conversation(c6.id).get("status").asString()).isEqualTo("queued");
            advanceAndTick(Duration.ofSeconds(35)); // t0 + 85: accepted at 25, no first reply in 60 s: reclaimed
            events.add(new Event("reclaimed", s2, w));
            assertThat(conversation(s2.id).get("status").asString()).as("declined by both agents").isEqualTo("queued");
            advanceAndTick(Duration.ofSeconds(25)); // t0 + 110: after-sales lowers refund to 2 after 60 s of waiting
            events.add(new Event("relaxed", b2, null));
            events.add(new Event("relaxed", c6, null));
            at(t0, 160);
            String c3Agent = conversation(c3.id).get("agentId").asString();
            close(c3.id, "converted", 4); // frees a web place: c6 goes to that agent
            at(t0, 170);
            close(c2.id, "unresolved", 2);
            at(t0, 200);
            close(s1.id, "converted", 5);
            abandon(s2.id);
            at(t0, 210);
            abandon(b2.id);
            at(t0, 220);
            close(c4.id, "resolved", null);
            at(t0, 230);
            act("first-reply", c6, c3Agent);
            at(t0, 300);
            Instant to = now();

            fillFromApi(experimentId, variantVersion);
            for (Seen s : seen.values()) {
                s.strategy = s.id.equals(b1.id) ? null : STRATEGY.get(s.queue);
            }
            // What the script meant to happen did happen.
            assertThat(List.of(c1.assignedAt, c2.assignedAt, c3.assignedAt)).containsOnly(t0);
            assertThat(c4.assignedAt).isEqualTo(t0.plusSeconds(40));
            assertThat(c6.assignedAt).isEqualTo(t0.plusSeconds(160));
            assertThat(c6.agent).isEqualTo(c3Agent);
            assertThat(s1.assignedAt).isEqualTo(t0.plusSeconds(8));
            assertThat(s1.reroutes).isEqualTo(1);
            assertThat(s2.reroutes).isEqualTo(2);
            assertThat(s2.assignedAt).isNull();
            assertThat(List.of(c5.status, s2.status, b2.status)).containsOnly("abandoned");
            assertThat(b1.status).isEqualTo("bot");
            assertThat(seen.values().stream().map(s -> s.variant).distinct()).hasSize(2);
            for (Seen s : seen.values()) {
                List<String> expectedKinds = events.stream().filter(e -> e.conversation() == s).map(Event::kind).toList();
                assertThat(kinds(trail(s.id)).stream().filter(EVENT_KINDS::contains).toList())
                        .as("events of %s", s.id).containsExactlyInAnyOrderElementsOf(expectedKinds);
            }

            Map<String, Function<Seen, String>> dimensions = new LinkedHashMap<>();
            dimensions.put("queue", s -> s.queue);
            dimensions.put("channel", s -> s.channel);
            dimensions.put("campaign", s -> s.campaign);
            dimensions.put("landingPage", s -> s.landingPage);
            dimensions.put("intent", s -> s.intent);
            dimensions.put("agent", s -> s.agent);
            dimensions.put("strategy", s -> s.strategy);
            dimensions.put("variant", s -> s.variant);
            for (Map.Entry<String, Function<Seen, String>> d : dimensions.entrySet()) {
                Function<Event, String> eventKey = d.getKey().equals("agent") ? Event::agent
                        : e -> d.getValue().apply(e.conversation());
                JsonNode report = report("kpis?" + range(t0, to) + "&by=" + d.getKey());
                assertThat(report.get("by").asString()).isEqualTo(d.getKey());
                assertThat(report.get("groupsCapped").asBoolean()).isFalse();
                assertGroups(report, expected(d.getValue(), eventKey), d.getKey());
                assertRow(report.get("total"), expected(s -> "all", e -> "all").get("all"), d.getKey() + " total");
            }
            JsonNode all = report("kpis?" + range(t0, to));
            assertThat(all.get("by").asString()).isEqualTo("none");
            assertGroups(all, expected(s -> "all", e -> "all"), "none");
            assertThat(all.get("scanned").get("conversations").asLong()).isEqualTo(10);
            assertThat(all.get("scanned").get("decisions").asLong()).isEqualTo(events.size());
            // Spot checks of the figures above, as a manager reads them.
            JsonNode total = all.get("total");
            assertThat(total.get("conversations").asLong()).isEqualTo(10);
            assertThat(total.get("answered").asLong()).isEqualTo(6);
            assertThat(total.get("abandoned").asLong()).isEqualTo(3);
            assertThat(total.get("p90WaitSeconds").asLong()).isEqualTo(110);
            assertThat(total.get("averageWaitSeconds").asDouble()).isCloseTo((0 + 0 + 0 + 40 + 110 + 8) / 6.0, within(0.001));
            assertThat(total.get("events").get("relaxed").asLong()).isEqualTo(2);

            // A range that starts after the traffic holds none of it; one that ends before it began, none either.
            JsonNode later = report("kpis?" + range(to, to.plusSeconds(60)) + "&by=queue");
            assertThat(later.get("groups").size()).isZero();
            assertThat(later.get("total").get("conversations").asLong()).isZero();
            assertThat(later.get("total").get("averageWaitSeconds").isNull()).isTrue();
            JsonNode half = report("kpis?" + range(t0, t0.plusSeconds(45)));
            assertThat(half.get("total").get("conversations").asLong()).as("arrived before t0 + 45 s").isEqualTo(9);
            assertThat(half.get("total").get("events").get("rejected").asLong()).isEqualTo(1);
            assertThat(half.get("total").get("events").get("reclaimed").asLong()).as("at t0 + 85 s").isZero();

            // CSV: the same figures, one row per group, by ?format=csv or by the Accept header.
            for (String by : List.of("campaign", "agent")) {
                JsonNode json = report("kpis?" + range(t0, to) + "&by=" + by);
                ApiClient.Response csv = api.get("/api/v1/reports/kpis?" + range(t0, to) + "&by=" + by + "&format=csv");
                assertThat(csv.status()).as("%s", csv).isEqualTo(200);
                assertThat(csv.contentType()).startsWith("text/csv");
                assertCsvMatches(csv.raw(), json, by);
                HttpResponse<String> accepted = getWithAccept("/api/v1/reports/kpis?" + range(t0, to) + "&by=" + by,
                        "text/csv");
                assertThat(accepted.statusCode()).isEqualTo(200);
                assertThat(accepted.headers().firstValue("Content-Type").orElse("")).startsWith("text/csv");
                assertThat(accepted.body()).isEqualTo(csv.raw());
            }
            assertThat(getWithAccept("/api/v1/reports/kpis?" + range(t0, to), "application/json").headers()
                    .firstValue("Content-Type").orElse("")).startsWith("application/json");
        } finally {
            policies.stopExperiment(experimentId, "reports-test");
        }
    }

    /** Customers alternating between the experiment's sides, by its documented split. */
    private static List<String> alternatingCustomers(String experimentId, int n) {
        List<String> customers = new ArrayList<>();
        while (customers.size() < n) {
            String c = unique("cust-rep");
            boolean onVariant = ActiveRuleset.bucket(experimentId, c) < 0.5;
            if (onVariant == (customers.size() % 2 == 0)) {
                customers.add(c);
            }
        }
        return customers;
    }

    /** The default rules with a comment added to guards.drl: a new version that routes exactly the same. */
    private String variantOfTheActiveRules() throws IOException {
        Path rules = Path.of("..", "rules");
        List<PolicyFile> files = new ArrayList<>();
        for (String name : List.of("routing.drl.xlsx", "marketplace.drl.csv", "guards.drl", "routing.scenarios.csv")) {
            byte[] bytes = Files.readAllBytes(rules.resolve(name));
            if (name.equals("guards.drl")) {
                bytes = (new String(bytes, StandardCharsets.UTF_8) + "\n// " + unique("reports-test") + "\n")
                        .getBytes(StandardCharsets.UTF_8);
            }
            files.add(new PolicyFile(name, bytes));
        }
        PolicyService.Submission s = policies.upload(files, "reports-test", "A/B variant for the reports test", "upload");
        assertThat(s.version().status().wireName()).as("%s", s.version()).isEqualTo("candidate");
        return s.version().version();
    }

    /** As an auditor (the role that reads reports), with this Accept header. */
    private HttpResponse<String> getWithAccept(String path, String accept) {
        try {
            return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("Accept", accept).header("X-API-Key", TestKeys.AUDITOR).GET().build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The CSV has a header naming the dimension and every figure, and one row per JSON group with the same values. */
    private static void assertCsvMatches(String csv, JsonNode json, String by) {
        assertThat(csv).endsWith("\r\n");
        List<List<String>> lines = Csv.parse(csv);
        List<String> header = lines.get(0);
        List<String> columns = new ArrayList<>(FIGURES);
        columns.addAll(EVENTS);
        assertThat(header.get(0)).isEqualTo(by);
        assertThat(header.subList(1, header.size())).containsExactlyElementsOf(columns);
        Map<String, JsonNode> groups = new HashMap<>();
        json.get("groups").forEach(g -> groups.put(g.get("group").asString(), g));
        assertThat(lines).hasSize(groups.size() + 1);
        for (List<String> line : lines.subList(1, lines.size())) {
            assertThat(line).hasSize(header.size());
            String cell = line.get(0);
            // Text a spreadsheet would run as a formula comes with a quote in front.
            String group = cell.startsWith("'=") ? cell.substring(1) : cell;
            JsonNode row = groups.get(group);
            assertThat(row).as("row %s of %s", group, groups.keySet()).isNotNull();
            for (int i = 1; i < header.size(); i++) {
                String name = header.get(i);
                JsonNode value = FIGURES.contains(name) ? row.get(name) : row.get("events").get(name);
                if (value.isNull()) {
                    assertThat(line.get(i)).as("%s of %s", name, group).isEmpty();
                } else {
                    assertThat(Double.parseDouble(line.get(i))).as("%s of %s", name, group).isEqualTo(value.asDouble());
                }
            }
        }
        if (by.equals("campaign")) {
            assertThat(csv).contains("\"'=双11, \"\"early\"\" ");
        }
    }

    // ================================================================== rules

    @Test
    void ruleHitsCountEveryClassificationAndTheRulesThatNeverFiredAreListed() {
        Instant from = quietWindow();
        String lang = newLanguage();
        String nobodySpeaks = newLanguage();
        Map<String, Long> hits = new HashMap<>();
        List<JsonNode> answers = new ArrayList<>();
        answers.add(create(refundRequest(lang)));
        answers.add(create(vipRefundRequest(lang)));
        answers.add(create(request(PRICE_TEXT, lang)));
        answers.add(create(request(COMPLAINT_TEXT, lang)));
        answers.add(create(obj("channel", "marketplace", "externalId", unique("ext"), "text", "这个什么时候发货",
                "language", lang, "customer", obj("id", unique("cust")), "fields", obj("marketplace", "tmall"))));
        JsonNode bot = create(request(GREETING, nobodySpeaks));
        assertThat(bot.get("status").asString()).isEqualTo("bot");
        answers.add(bot);
        clock.advance(Duration.ofSeconds(30));
        ApiClient.Response handed = api.post("/api/v1/conversations/" + bot.get("id").asString() + "/handoff",
                obj("intent", "refund", "confidence", 0.95));
        assertThat(handed.status()).as("%s", handed).isEqualTo(200);
        answers.add(handed.json());
        for (JsonNode a : answers) {
            a.get("rulesFired").forEach(r -> hits.merge(ruleKey(r.get("name").asString(), r.get("source").asString()),
                    1L, Long::sum));
        }
        clock.advance(Duration.ofSeconds(30));
        Instant to = now();
        Map<String, RuleSource> everyRule = new HashMap<>();
        activeRuleset.get().rules().forEach((key, where) -> everyRule.put(
                ruleKey(key.substring(key.indexOf('/') + 1), where.file()), where));
        assertThat(everyRule.keySet()).as("every rule that fired is a rule of the active ruleset")
                .containsAll(hits.keySet());

        JsonNode report = report("rules?" + range(from, to));

        assertThat(report.get("rulesetVersion").asString()).isEqualTo(activeRuleset.get().version());
        assertThat(report.get("classifications").asLong()).isEqualTo(answers.size());
        Map<String, JsonNode> listed = new HashMap<>();
        report.get("rules").forEach(r -> listed.put(ruleKey(r.get("name").asString(), r.get("source").asString()), r));
        assertThat(listed.keySet()).containsExactlyInAnyOrderElementsOf(everyRule.keySet());
        listed.forEach((key, r) -> {
            long expected = hits.getOrDefault(key, 0L);
            assertThat(r.get("hits").asLong()).as("hits of %s", key).isEqualTo(expected);
            assertThat(r.get("share").asDouble()).as("share of %s", key)
                    .isCloseTo((double) expected / answers.size(), within(0.00006));
            assertThat(r.get("inRuleset").asBoolean()).isTrue();
            RuleSource where = everyRule.get(key);
            assertThat(r.get("row").isNull() ? null : r.get("row").asInt()).isEqualTo(where.row());
            assertThat(r.get("line").isNull() ? null : r.get("line").asInt()).isEqualTo(where.line());
        });
        List<Long> order = new ArrayList<>();
        report.get("rules").forEach(r -> order.add(r.get("hits").asLong()));
        assertThat(order).as("most hits first").isSortedAccordingTo(java.util.Comparator.reverseOrder());
        Set<String> neverFired = new TreeSet<>();
        report.get("neverFired").forEach(r -> {
            neverFired.add(ruleKey(r.get("name").asString(), r.get("source").asString()));
            assertThat(r.get("hits").asLong()).isZero();
        });
        Set<String> expectedNever = new TreeSet<>(everyRule.keySet());
        expectedNever.removeAll(hits.keySet());
        assertThat(neverFired).isEqualTo(expectedNever);
        assertThat(neverFired).as("the blacklist guard never fired here")
                .contains(ruleKey("Blacklisted customers to the bot", "guards.drl"));
        assertThat(hits.values()).as("some rules fired more than once").anyMatch(n -> n > 1);

        // The same as CSV: one row per rule.
        ApiClient.Response csv = api.get("/api/v1/reports/rules?" + range(from, to) + "&format=csv");
        assertThat(csv.status()).as("%s", csv).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        List<List<String>> lines = Csv.parse(csv.raw());
        assertThat(lines.get(0)).containsExactly("name", "stage", "source", "sheet", "row", "line", "hits", "share",
                "inRuleset");
        assertThat(lines).hasSize(everyRule.size() + 1);
        for (List<String> line : lines.subList(1, lines.size())) {
            String key = ruleKey(line.get(0), line.get(2));
            assertThat(Long.parseLong(line.get(6))).as("hits of %s", key).isEqualTo(hits.getOrDefault(key, 0L));
            assertThat(line.get(8)).isEqualTo("true");
        }

        // Nothing classified in a quiet range: no shares, every rule never fired.
        JsonNode quiet = report("rules?" + range(to, to.plusSeconds(10)));
        assertThat(quiet.get("classifications").asLong()).isZero();
        assertThat(quiet.get("neverFired").size()).isEqualTo(everyRule.size());
        assertThat(quiet.get("rules").get(0).get("share").isNull()).isTrue();
    }

    private static String ruleKey(String name, String file) {
        return name + " @ " + file;
    }

    // ================================================================== bad requests

    @Test
    void badParametersAreRefusedNamingTheParameter() {
        Instant t = now();
        String range = range(t.minusSeconds(60), t);
        assertProblem(api.get("/api/v1/reports/kpis?from=" + t + "&to=" + t.minusSeconds(1)), 400, "from");
        assertProblem(api.get("/api/v1/reports/kpis?from=" + t + "&to=" + t), 400, "from");
        assertProblem(api.get("/api/v1/reports/kpis?" + range + "&by=weather"), 400, "by");
        assertThat(api.get("/api/v1/reports/kpis?" + range + "&by=weather").text("detail")).contains("campaign");
        assertProblem(api.get("/api/v1/reports/kpis?from=yesterday&to=" + t), 400, "from");
        assertProblem(api.get("/api/v1/reports/kpis?to=2027-02-30T00:00:00Z"), 400, "to");
        assertProblem(api.get("/api/v1/reports/kpis?from=" + t.minus(Duration.ofDays(93)) + "&to=" + t), 400, "from");
        assertProblem(api.get("/api/v1/reports/kpis?" + range + "&format=xml"), 400, "format");
        assertProblem(api.get("/api/v1/reports/rules?from=2027-13-01T00:00:00Z"), 400, "from");
        assertProblem(api.get("/api/v1/reports/rules?" + range + "&format=pdf"), 400, "format");
        assertProblem(api.get("/api/v1/reports/rules?" + range + "&version=no-such-version"), 404, null);
        // Every bad parameter at once.
        ApiClient.Response both = api.get("/api/v1/reports/kpis?from=soon&by=weather");
        assertProblem(both, 400, "from");
        assertThat(both.errorFields()).contains("by");
        // A problem stays problem+json when the client asked for CSV.
        HttpResponse<String> csvAsked = getWithAccept("/api/v1/reports/kpis?by=weather", "text/csv");
        assertThat(csvAsked.statusCode()).isEqualTo(400);
        assertThat(csvAsked.headers().firstValue("Content-Type").orElse("")).startsWith(PROBLEM_JSON);
        assertThat(csvAsked.body()).contains("\"by\"");
    }

    @Test
    void offsetTimesAndTheDefaultRangeAreAccepted() {
        Instant t = now();
        // 10:00 in Shanghai is 02:00 UTC; an unencoded '+' arrives as a space and still means +08:00.
        JsonNode shanghai = report("kpis?from=2027-03-03T10:00:00%2B08:00&to=2027-03-03T11:00:00%2B08:00");
        assertThat(shanghai.get("from").asString()).isEqualTo("2027-03-03T02:00:00Z");
        assertThat(shanghai.get("to").asString()).isEqualTo("2027-03-03T03:00:00Z");
        JsonNode spaced = report("kpis?from=2027-03-03T10:00:00+08:00&to=2027-03-03T11:00:00+08:00");
        assertThat(spaced.get("from").asString()).isEqualTo("2027-03-03T02:00:00Z");
        JsonNode lastDay = report("kpis");
        Instant to = Instant.parse(lastDay.get("to").asString());
        assertThat(to).isAfterOrEqualTo(t);
        assertThat(Instant.parse(lastDay.get("from").asString())).isEqualTo(to.minus(Duration.ofDays(1)));
    }

    /** A small RFC 4180 reader: quoted fields, doubled quotes, CRLF line ends. */
    static final class Csv {
        static List<List<String>> parse(String text) {
            List<List<String>> lines = new ArrayList<>();
            List<String> line = new ArrayList<>();
            StringBuilder cell = new StringBuilder();
            boolean quoted = false;
            for (int i = 0; i < text.length(); i++) {
                char ch = text.charAt(i);
                if (quoted) {
                    if (ch == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else if (ch == '"') {
                        quoted = false;
                    } else {
                        cell.append(ch);
                    }
                } else if (ch == '"') {
                    quoted = true;
                } else if (ch == ',') {
                    line.add(cell.toString());
                    cell.setLength(0);
                } else if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    line.add(cell.toString());
                    cell.setLength(0);
                    lines.add(line);
                    line = new ArrayList<>();
                    i++;
                } else {
                    cell.append(ch);
                }
            }
            if (!cell.isEmpty() || !line.isEmpty()) {
                line.add(cell.toString());
                lines.add(line);
            }
            return lines;
        }
    }
}
