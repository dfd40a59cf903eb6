package io.convrouter.sim;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** Runs repeat from their seed, policies differ as they should on real traffic, bad scenarios say what is wrong. */
class SimulatorTest {
    private static final Path SHOP = Path.of("scenarios/shop-week.yaml");
    private static final Path BANK = Path.of("scenarios/anonymous-bank/scenario.yaml");
    private static final List<String> FAST_POLICIES = List.of(Policies.DISPATCHER, Policies.RANDOM,
            Policies.ROUND_ROBIN, Policies.LEAST_BUSY, Policies.POOLED_FIFO);

    private static String runToJson(Path file, long seed, int days, List<String> policies) {
        Scenario s = new ScenarioLoader().load(file, new ScenarioLoader.Overrides(seed, days, policies));
        return ReportFiles.json(Runner.run(s, 2, Progress.SILENT).toMap());
    }

    @Test
    void theSameSeedRepeatsARunExactlyAndAnotherSeedDoesNot() {
        // The shop day has everything that could leak randomness or wall-clock time into a run: offers
        // declined and left ringing, first-reply reclaims, hang-ups, shifts, returning customers, relaxation.
        String first = runToJson(SHOP, 42, 1, FAST_POLICIES);
        String again = runToJson(SHOP, 42, 1, FAST_POLICIES);
        assertThat(again).isEqualTo(first);
        JsonNode report = JsonMapper.builder().build().readTree(first);
        JsonNode otherSeed = JsonMapper.builder().build().readTree(runToJson(SHOP, 43, 1, List.of(Policies.DISPATCHER)));
        assertThat(otherSeed.path("policies").get(0)).isNotEqualTo(report.path("policies").get(0));
        assertThat(report.path("policies")).hasSize(FAST_POLICIES.size());
        JsonNode dispatcher = report.path("policies").get(0);
        assertThat(dispatcher.path("policy").asString()).isEqualTo(Policies.DISPATCHER);
        // the day really exercised what it is meant to
        assertThat(dispatcher.path("calls").path("answered").asInt()).isGreaterThan(1000);
        assertThat(dispatcher.path("calls").path("abandoned").asInt()).isPositive();
        assertThat(dispatcher.path("reroutes").path("byReason").path("declined").asInt()).isPositive();
        assertThat(dispatcher.path("sticky").path("answeredWithAPreviousAgent").asInt()).isPositive();
    }

    @Test
    void theRebalancerPolicyRepeatsExactlyToo() {
        // The first half hour of the bank's first morning: the solver stops on step counts, never on wall-clock time.
        Scenario s = new ScenarioLoader().load(BANK, new ScenarioLoader.Overrides(5L, 1,
                List.of(Policies.DISPATCHER_REBALANCER)));
        long until = s.start() + 7 * 3600_000L + 30 * 60_000L;
        Scenario morning = new Scenario(s.file(), s.name(), s.seed(), s.rulesDir(), s.workbenchDir(), s.start(), until,
                s.calls().stream().filter(c -> c.arrival() < until).toList(), s.agents(), s.behaviour(), s.report(),
                s.rebalance(), s.policies(), s.traffic());
        PolicySet policies = PolicySet.load(morning);
        PolicyResult one = Runner.runOne(morning, policies, Policies.DISPATCHER_REBALANCER, Progress.SILENT);
        PolicyResult two = Runner.runOne(morning, policies, Policies.DISPATCHER_REBALANCER, Progress.SILENT);
        assertThat(one.answered).isGreaterThan(10);
        assertThat(ReportFiles.json(two.details)).isEqualTo(ReportFiles.json(one.details));
    }

    @Test
    void onTheBanksCallsSkillsAndStickinessPayOff() {
        Scenario s = new ScenarioLoader().load(BANK, new ScenarioLoader.Overrides(null, 2, FAST_POLICIES));
        assertThat(s.calls()).hasSizeGreaterThan(3000);
        assertThat(s.agents()).hasSizeGreaterThan(10);
        Map<String, PolicyResult> r = new java.util.LinkedHashMap<>();
        Runner.run(s, 2, Progress.SILENT).results().forEach(p -> r.put(p.policy, p));
        // every policy faced the same callers
        assertThat(r.values()).extracting(p -> p.seeking).containsOnly(r.get(Policies.DISPATCHER).seeking);
        PolicyResult ours = r.get(Policies.DISPATCHER);
        // ignoring skills sends calls to agents who never handled that kind of call
        assertThat(ours.skillMatchRate).isGreaterThan(r.get(Policies.LEAST_BUSY).skillMatchRate + 0.1);
        assertThat(ours.skillMatchRate).isGreaterThan(r.get(Policies.POOLED_FIFO).skillMatchRate + 0.1);
        // the rules send a returning caller back to the agent they spoke to
        assertThat(ours.stickyHitRate).isGreaterThan(r.get(Policies.RANDOM).stickyHitRate);
        assertThat(ours.stickyHitRate).isGreaterThan(r.get(Policies.POOLED_FIFO).stickyHitRate);
        // VIP callers (priority 2 in the log) go ahead of the line, where one FIFO line makes them wait their turn
        assertThat(vipWait(ours)).isLessThan(vipWait(r.get(Policies.POOLED_FIFO)));
        assertThat(vipWait(ours)).isLessThan(vipWait(r.get(Policies.ROUND_ROBIN)));
    }

    @SuppressWarnings("unchecked")
    private static double vipWait(PolicyResult r) {
        Map<String, Map<String, Object>> byTier = (Map<String, Map<String, Object>>) r.details.get("byTier");
        return (double) byTier.get("vip").get("averageWaitSeconds");
    }

    @Test
    void aBadScenarioNamesEveryWrongFieldAtOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("bad.yaml");
        Files.writeString(file, """
                name: broken
                rules: no-such-dir
                workbench: no-such-dir-either
                policies: [dispatcher, fastest]
                arrivals: { kind: poisson, days: 0, perHour: { "25:00": 10 } }
                mix:
                  channels: { web: -1 }
                  intents:
                    - { name: a, share: 1, text: hello, service: { gamma: { k: 2 } } }
                agents:
                  - { id: x, count: 2, languages: [zh], capacity: { web: 2 }, shifts: [ { from: "25:00", to: "10:00" } ] }
                surprise: true
                """);
        assertThatThrownBy(() -> new ScenarioLoader().load(file))
                .isInstanceOfSatisfying(ScenarioException.class, e -> assertThat(e.problems()).anySatisfy(
                        p -> assertThat(p).startsWith("rules: "))
                        .anySatisfy(p -> assertThat(p).startsWith("policies[1]: 'fastest' is not a policy"))
                        .anySatisfy(p -> assertThat(p).startsWith("arrivals.days: must be 1-3660"))
                        .anySatisfy(p -> assertThat(p).startsWith("arrivals.perHour.25:00: '25:00' is not a time of day"))
                        .anySatisfy(p -> assertThat(p).startsWith("mix.channels.web: must be a share"))
                        .anySatisfy(p -> assertThat(p).contains("'gamma' is not a distribution"))
                        .anySatisfy(p -> assertThat(p).startsWith("agents[0].shifts[0].from: '25:00' is not a time of day"))
                        .anySatisfy(p -> assertThat(p).startsWith("surprise: is not a field here")))
                .hasMessageStartingWith(file.toString());
    }

    @Test
    void theCommandWritesASelfContainedReport(@TempDir Path dir) throws Exception {
        Path out = dir.resolve("report");
        PrintStream stdout = System.out;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        int code;
        try {
            System.setOut(new PrintStream(printed, true, StandardCharsets.UTF_8));
            code = Main.run(new String[] {"src/test/resources/erlang-c.yaml", "--days", "1", "--out", out.toString(),
                    "--policies", "dispatcher,pooled-fifo", "--quiet"});
        } finally {
            System.setOut(stdout);
        }
        assertThat(code).isZero();
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("dispatcher", "pooled-fifo", "ASA");
        JsonNode json = JsonMapper.builder().build().readTree(Files.readString(out.resolve("report.json")));
        assertThat(json.path("policies")).extracting(p -> p.path("policy").asString())
                .containsExactly("dispatcher", "pooled-fifo");
        assertThat(json.path("policies").get(0).path("utilisation").path("perAgent")).hasSize(5);
        String html = Files.readString(out.resolve("report.html"));
        assertThat(html).contains("<svg", "Waiting over time", "Wait distribution", "Utilisation per agent",
                "Policies side by side");
        // nothing fetched from elsewhere: no scripts, styles or images by URL
        assertThat(html).doesNotContainPattern("(src|href)=\"(https?:)?//");
    }

    @Test
    void theCommandRefusesBadArgumentsAndBadScenarios() {
        PrintStream stderr = System.err;
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(printed, true, StandardCharsets.UTF_8));
            assertThat(Main.run(new String[] {})).isEqualTo(2);
            assertThat(Main.run(new String[] {"x.yaml", "--days", "0"})).isEqualTo(2);
            assertThat(Main.run(new String[] {"no-such-scenario.yaml"})).isEqualTo(1);
        } finally {
            System.setErr(stderr);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8)).contains("name a scenario file", "--days must be at least 1",
                "no-such-scenario.yaml: 1 problem", "the file does not exist");
    }
}
