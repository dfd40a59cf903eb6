package io.convrouter.sim;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

import org.junit.jupiter.api.Test;

/**
 * The simulator, driving the real rules and dispatcher, against queueing theory: one line,
 * Poisson arrivals, exponential service, c identical agents taking one call at a time, first come
 * first served. That system is M/M/c (Erlang C) and, with exponential patience, M/M/c+M (Erlang
 * A). Each check runs independent replications (one seed each, after a warm-up) and asserts that
 * theory lies within four standard errors of their mean, and that the standard error is small
 * enough for the check to mean something.
 */
class QueueingSimulationTest {
    private static final int REPLICATIONS = 8;
    private static final int DAYS = 2;
    private static final double MU = 1.0 / 180;

    /** One figure over the replications: mean and standard error of the mean. */
    private record Estimate(double mean, double standardError) {
        static Estimate of(List<PolicyResult> runs, ToDoubleFunction<PolicyResult> figure) {
            double[] x = runs.stream().mapToDouble(figure).toArray();
            double mean = 0;
            for (double v : x) {
                mean += v / x.length;
            }
            double squares = 0;
            for (double v : x) {
                squares += (v - mean) * (v - mean);
            }
            return new Estimate(mean, Math.sqrt(squares / (x.length - 1) / x.length));
        }

        void agreesWith(double theory, double largestUsefulError, String what) {
            assertThat(standardError).as(what + ": standard error of the simulated mean " + mean)
                    .isLessThan(largestUsefulError);
            assertThat(Math.abs(mean - theory)).as(what + ": simulated " + mean + " +- " + standardError
                    + " against theory " + theory).isLessThanOrEqualTo(4 * standardError);
        }
    }

    /** Every listed policy on REPLICATIONS independent seeds of the scenario. */
    private static Map<String, List<PolicyResult>> replicate(String file, List<String> policies) {
        Map<String, List<PolicyResult>> runs = new LinkedHashMap<>();
        PolicySet policySet = null;
        for (int r = 1; r <= REPLICATIONS; r++) {
            Scenario s = new ScenarioLoader().load(Path.of("src/test/resources", file),
                    new ScenarioLoader.Overrides(1000L + r, DAYS, policies));
            if (policySet == null) {
                policySet = PolicySet.load(s);
            }
            for (String policy : policies) {
                runs.computeIfAbsent(policy, k -> new ArrayList<>()).add(Runner.runOne(s, policySet, policy, Progress.SILENT));
            }
        }
        return runs;
    }

    @Test
    void theDispatcherAndTheFifoBaselinesReproduceErlangC() {
        // 80 calls an hour, 180 s each: 4 Erlangs on 5 agents. Identical agents and one FIFO line make
        // every policy here the same M/M/5 queue, so each must match the formula.
        int c = 5;
        double lambda = 80 / 3600.0;
        double pWait = QueueingTheory.erlangC(c, lambda / MU);
        double asa = QueueingTheory.erlangCAverageWait(c, lambda, MU);
        double serviceLevel = QueueingTheory.erlangCServiceLevel(c, lambda, MU, 20);
        assertThat(pWait).isBetween(0.5, 0.6); // a busy line: most callers wait, so the check has teeth

        Map<String, List<PolicyResult>> runs = replicate("erlang-c.yaml",
                List.of(Policies.DISPATCHER, Policies.POOLED_FIFO, Policies.ROUND_ROBIN));
        runs.forEach((policy, results) -> {
            assertThat(results).allSatisfy(r -> {
                assertThat(r.abandoned).isZero();
                assertThat(r.unfinished).isZero();
                assertThat(r.answered).isEqualTo(r.seeking).isGreaterThan(3000);
            });
            Estimate.of(results, r -> r.probabilityOfWaiting).agreesWith(pWait, 0.02, policy + " P(wait)");
            Estimate.of(results, r -> r.averageWaitSeconds).agreesWith(asa, 0.12 * asa, policy + " ASA");
            Estimate.of(results, r -> r.serviceLevel).agreesWith(serviceLevel, 0.02, policy + " service level at 20 s");
        });
    }

    @Test
    void theDispatcherReproducesErlangAAbandonment() {
        // 90 calls an hour (4.5 Erlangs) on 5 agents; callers hang up after an exponential 300 s.
        int c = 5;
        double lambda = 90 / 3600.0;
        QueueingTheory.ErlangA theory = QueueingTheory.erlangA(c, lambda, MU, 1.0 / 300);
        assertThat(theory.probabilityOfAbandoning()).isBetween(0.05, 0.2);

        List<PolicyResult> results = replicate("erlang-a.yaml", List.of(Policies.DISPATCHER)).get(Policies.DISPATCHER);
        assertThat(results).allSatisfy(r -> assertThat(r.abandoned).isGreaterThan(100));
        Estimate.of(results, r -> r.abandonmentRate).agreesWith(theory.probabilityOfAbandoning(), 0.01,
                "share of callers who abandon");
        Estimate.of(results, r -> r.probabilityOfWaiting).agreesWith(theory.probabilityOfWaiting(), 0.02, "P(wait)");
    }

    @Test
    void withoutPatienceTheSameLoadIsErlangCAndFarWorse() {
        // The Erlang A line without hang-ups: 4.5 Erlangs on 5 agents waits far longer, which is
        // what abandonment hides. Guards the patience events against doing nothing.
        Scenario s = new ScenarioLoader().load(Path.of("src/test/resources/erlang-a.yaml"),
                new ScenarioLoader.Overrides(7L, DAYS, List.of(Policies.DISPATCHER)));
        PolicyResult patient = Runner.runOne(new Scenario(s.file(), s.name(), s.seed(), s.rulesDir(), s.workbenchDir(),
                s.start(), s.end(), s.calls().stream().map(call -> new Scenario.Call(call.index(), call.id(),
                        call.arrival(), call.channel(), call.text(), call.language(), call.customerId(), call.tier(),
                        call.fields(), call.intent(), call.serviceMillis(), Scenario.Call.NO_PATIENCE_LIMIT,
                        call.resolved())).toList(), s.agents(), s.behaviour(), s.report(), s.rebalance(), s.policies(),
                s.traffic()), PolicySet.load(s), Policies.DISPATCHER, Progress.SILENT);
        PolicyResult impatient = Runner.runOne(s, PolicySet.load(s), Policies.DISPATCHER, Progress.SILENT);
        assertThat(patient.abandoned).isZero();
        assertThat(impatient.abandoned).isPositive();
        assertThat(patient.averageWaitSeconds).isGreaterThan(2 * impatient.averageWaitSeconds);
    }
}
