package io.convrouter.classify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.convrouter.classify.facts.Conversation;
import io.convrouter.classify.facts.Customer;
import io.convrouter.classify.facts.Entry;
import io.convrouter.classify.facts.RoutingPlan;

/**
 * How a classification runs: stage by stage (intent, route, adjust, guard), each stage seeing what
 * the earlier ones wrote; a looping ruleset fails instead of hanging; one ruleset serves many
 * threads at once.
 */
class ClassifierTest {

    private static final Clock CLOCK = Clock.fixed(Instant.parse("2025-11-11T08:00:00Z"), ZoneOffset.UTC);
    private final RulesetCompiler compiler = new RulesetCompiler(CLOCK);
    private final Classifier classifier = new Classifier();

    /**
     * One rule per stage, each depending on what the previous stage wrote to the plan. Written in
     * reverse stage order with saliences that would fire them backwards, so only the stages can
     * put them in order.
     */
    private static final String CHAIN = """
            package test.chain;
            import io.convrouter.classify.facts.*;
            global RoutingPlan plan;

            rule "Guard: blacklisted customers to the bot"
                ruleflow-group "guard"
                salience 100
            when
                Customer( tier == "blacklist" )
                RoutingPlan( queue == "vip-desk" )
            then
                plan.setQueue("bot");
                plan.setTeam(null);
                plan.setPriority(0);
            end

            rule "Adjust: VIP refunds to the VIP desk"
                ruleflow-group "adjust"
                salience 50
            when
                RoutingPlan( queue == "after-sales", priority >= 50 )
            then
                plan.setQueue("vip-desk");
                plan.setTeam("vip-desk");
                plan.raisePriority(90);
            end

            rule "Route: refunds to after-sales"
                ruleflow-group "route"
                salience 10
            when
                RoutingPlan( intent == "refund" )
            then
                plan.setQueue("after-sales");
                plan.raisePriority(50);
            end

            rule "Intent: refund keyword"
                ruleflow-group "intent"
                salience -10
            when
                Conversation( mentions("refund, 退款") )
            then
                plan.setIntent("refund");
            end
            """;

    private Classification classify(Ruleset ruleset, String text, String tier) {
        return classifier.classify(ruleset, new RoutingPlan("general", 20, 120, "zh"),
                new Conversation("conv-1", "web", text, "zh", Map.of()),
                new Customer("c-1", tier, false, null, 0, Set.of()),
                new Entry(null, null, null));
    }

    private Ruleset compile(String drl) {
        return compiler.compile(List.of(new PolicyFile("test.drl", drl.getBytes(StandardCharsets.UTF_8))));
    }

    // ---------------------------------------------------------------- stages

    @Test
    void eachStageSeesWhatTheEarlierStagesWroteAndTheGuardHasTheLastWord() {
        Ruleset ruleset = compile(CHAIN);

        Classification c = classify(ruleset, "我要退款", "blacklist");

        assertThat(c.rulesFired()).extracting(FiredRule::stage, FiredRule::name).containsExactly(
                tuple("intent", "Intent: refund keyword"),
                tuple("route", "Route: refunds to after-sales"),
                tuple("adjust", "Adjust: VIP refunds to the VIP desk"),
                tuple("guard", "Guard: blacklisted customers to the bot"));
        assertThat(c.plan().intent()).isEqualTo("refund");
        assertThat(c.plan().queue()).as("the guard overrides the adjust stage").isEqualTo("bot");
        assertThat(c.plan().team()).isNull();
        assertThat(c.plan().priority()).isZero();
    }

    @Test
    void withoutTheGuardConditionTheAdjustStageDecision() {
        Classification c = classify(compile(CHAIN), "我要退款", "regular");

        assertThat(c.rulesFired()).extracting(FiredRule::stage).containsExactly("intent", "route", "adjust");
        assertThat(c.plan().queue()).isEqualTo("vip-desk");
        assertThat(c.plan().team()).isEqualTo("vip-desk");
        assertThat(c.plan().priority()).isEqualTo(90);
    }

    @Test
    void whenAnEarlyStageDoesNotMatchTheStagesThatDependOnItDoNotFire() {
        Classification c = classify(compile(CHAIN), "你好", "blacklist");

        assertThat(c.rulesFired()).isEmpty();
        assertThat(c.plan().queue()).isEqualTo("general");
        assertThat(c.plan().priority()).isEqualTo(20);
        assertThat(c.plan().intent()).isNull();
    }

    @Test
    void rulesOfOneStageSeeThePlanAsTheStageBeganSoTheirOrderDoesNotMatter() {
        String drl = """
                package test.samestage;
                import io.convrouter.classify.facts.*;
                global RoutingPlan plan;

                rule "Sets the queue"
                    ruleflow-group "route"
                    salience 10
                when
                    RoutingPlan( intent == null )
                then
                    plan.setQueue("first");
                end

                rule "Would see the queue only if it read the same stage's writes"
                    ruleflow-group "route"
                    salience 1
                when
                    RoutingPlan( queue == "first" )
                then
                    plan.setQueue("second");
                end

                rule "Reads it in the next stage"
                    ruleflow-group "adjust"
                when
                    RoutingPlan( queue == "first" )
                then
                    plan.setTeam("seen-first");
                end
                """;

        Classification c = classify(compile(drl), "hello", "regular");

        assertThat(c.rulesFired()).extracting(FiredRule::name)
                .containsExactly("Sets the queue", "Reads it in the next stage");
        assertThat(c.plan().queue()).isEqualTo("first");
        assertThat(c.plan().team()).isEqualTo("seen-first");
    }

    @Test
    void firedRulesCarryTheirStageAndSource() {
        Classification c = classify(compile(CHAIN), "refund please", "regular");

        assertThat(c.rulesFired()).extracting(FiredRule::name, FiredRule::stage, FiredRule::source, FiredRule::line)
                .containsExactly(
                        tuple("Intent: refund keyword", "intent", "test.drl", 38),
                        tuple("Route: refunds to after-sales", "route", "test.drl", 28),
                        tuple("Adjust: VIP refunds to the VIP desk", "adjust", "test.drl", 17));
        assertThat(c.rulesetVersion()).isEqualTo(RulesetCompiler.versionOf(
                List.of(new PolicyFile("test.drl", CHAIN.getBytes(StandardCharsets.UTF_8)))));
    }

    // ---------------------------------------------------------------- loops

    @Test
    @Timeout(value = 2, unit = TimeUnit.MINUTES) // a safety net so a regression fails instead of hanging the build
    void aRuleThatRetriggersItselfIsStoppedWithARuleLoopException() {
        String drl = """
                package test.loop;
                import io.convrouter.classify.facts.*;
                global RoutingPlan plan;

                rule "Bumps the priority forever"
                    ruleflow-group "adjust"
                when
                    $p : RoutingPlan( priority >= 0 )
                then
                    modify( $p ) { setPriority( $p.getPriority() ) }
                end
                """;
        Ruleset ruleset = compile(drl);

        assertThatThrownBy(() -> classify(ruleset, "hello", "regular"))
                .isInstanceOf(Classifier.RuleLoopException.class)
                .hasMessageContaining("adjust")
                .hasMessageContaining("Bumps the priority forever");

        // The classifier and the ruleset are still usable afterwards.
        Classification ok = classify(compile(CHAIN), "我要退款", "regular");
        assertThat(ok.plan().queue()).isEqualTo("vip-desk");
    }

    // ---------------------------------------------------------------- concurrency

    private static List<PolicyFile> defaultPolicies() throws IOException {
        List<PolicyFile> files = new ArrayList<>();
        try (Stream<Path> paths = Files.list(Path.of("../rules"))) {
            for (Path p : paths.filter(Files::isRegularFile).sorted().toList()) {
                files.add(new PolicyFile(p.getFileName().toString(), Files.readAllBytes(p)));
            }
        }
        return files;
    }

    /** A mix of conversations that together fire most of the default rules. */
    private record Input(String channel, String text, String language, String tier, boolean returning,
                         String lastAgentId, String campaign, String landingPage, Map<String, String> fields) {

        Classification classify(Classifier classifier, Ruleset ruleset) {
            return classifier.classify(ruleset, new RoutingPlan("general", 20, 120, language),
                    new Conversation("conv", channel, text, language, fields),
                    new Customer("c", tier, returning, lastAgentId, 3, Set.of()),
                    new Entry(campaign, landingPage, null));
        }
    }

    private static final List<Input> MIX = List.of(
            new Input("web", "我要退款，订单一直没发货", "zh", "regular", false, null, null, null, Map.of()),
            new Input("wechat", "物流三天没更新", "zh", "vip", true, "a-7", null, null, Map.of()),
            new Input("app", "空调坏了需要维修", "zh", "regular", true, "a-3", null, null, Map.of()),
            new Input("web", "太过分了，我要投诉", "zh", "regular", false, null, null, null, Map.of()),
            new Input("web", "这件多少钱", "zh", "new", false, null, "double11", "/help", Map.of()),
            new Input("web", "你好", "zh", "new", false, null, "double11", "/product/x", Map.of()),
            new Input("app", "支付失败", "zh", "regular", false, null, null, null, Map.of()),
            new Input("email", "Please send me an invoice", null, "regular", false, null, null, null, Map.of()),
            new Input("marketplace", "你好", "zh", "regular", false, null, null, null, Map.of("marketplace", "jd")),
            new Input("marketplace", "我要退款", "zh", "regular", false, null, null, null, Map.of("marketplace", "tmall")),
            new Input("live_stream", "好看", "zh", "regular", false, null, null, null, Map.of()),
            new Input("short_video", "求链接", "zh", "regular", false, null, null, null, Map.of()),
            new Input("web", "我是VIP，我要投诉！！！", "zh", "blacklist", true, "a-1", null, null, Map.of()),
            new Input("web", "Hello, anyone there?", null, "regular", false, null, null, null, Map.of()),
            new Input("web", "你好，在吗", "zh", "regular", false, null, null, null, Map.of()));

    /** What a classification decided, leaving out how long it took. */
    private record Outcome(Classification.Plan plan, List<FiredRule> fired, String version) {
        static Outcome of(Classification c) {
            return new Outcome(c.plan(), c.rulesFired(), c.rulesetVersion());
        }
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES) // a safety net against a deadlock, not a speed check
    void manyThreadsClassifyingOnOneRulesetGetTheSameResultsAsOneThread() throws Exception {
        Ruleset ruleset = compiler.compile(defaultPolicies());
        List<Outcome> expected = MIX.stream().map(i -> Outcome.of(i.classify(classifier, ruleset))).toList();
        assertThat(expected).extracting(o -> o.fired().size()).as("the mix exercises the rules").contains(0, 1, 2, 3);

        int threads = 8;
        int rounds = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch start = new CountDownLatch(1);
            List<Future<List<String>>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                long seed = t;
                Callable<List<String>> worker = () -> {
                    List<Integer> order = new ArrayList<>();
                    for (int r = 0; r < rounds; r++) {
                        for (int i = 0; i < MIX.size(); i++) {
                            order.add(i);
                        }
                    }
                    Collections.shuffle(order, new Random(seed));
                    List<String> mismatches = new ArrayList<>();
                    start.await();
                    for (int i : order) {
                        Outcome got = Outcome.of(MIX.get(i).classify(classifier, ruleset));
                        if (!got.equals(expected.get(i))) {
                            mismatches.add("input " + i + ": expected " + expected.get(i) + " but got " + got);
                        }
                    }
                    return mismatches;
                };
                futures.add(pool.submit(worker));
            }
            start.countDown();
            List<String> mismatches = new ArrayList<>();
            for (Future<List<String>> f : futures) {
                mismatches.addAll(f.get());
            }
            assertThat(mismatches).isEmpty();
        } finally {
            pool.shutdownNow();
        }
    }
}
