package io.convrouter.sim;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** Runs every policy of a scenario (on as many threads as asked; each run is independent) and gathers the results. */
public final class Runner {
    private Runner() {}

    /** The results of one scenario, policies in the scenario's order. */
    public record Report(Scenario scenario, List<PolicyResult> results) {

        /** The whole report as ordered maps and lists (what report.json holds). */
        public Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            Map<String, Object> sc = new LinkedHashMap<>();
            sc.put("name", scenario.name());
            sc.put("file", scenario.file());
            sc.put("seed", scenario.seed());
            sc.put("from", scenario.startInstant().toString());
            sc.put("to", java.time.Instant.ofEpochMilli(scenario.end()).toString());
            sc.put("calls", scenario.calls().size());
            sc.put("agents", scenario.agents().size());
            sc.put("traffic", scenario.traffic());
            Map<String, Object> settings = new LinkedHashMap<>();
            settings.put("serviceLevelSeconds", scenario.report().serviceLevelSeconds());
            settings.put("warmUpMinutes", scenario.report().warmUpMillis() / 60_000.0);
            settings.put("bucketMinutes", scenario.report().bucketMinutes());
            settings.put("agentBehaviour", ordered("acceptSeconds", scenario.behaviour().acceptMillis() / 1000.0,
                    "rejectShare", scenario.behaviour().rejectShare(), "ignoreShare", scenario.behaviour().ignoreShare(),
                    "firstReplySeconds", scenario.behaviour().firstReplyMillis() / 1000.0));
            settings.put("rebalance", ordered("intervalSeconds", scenario.rebalance().intervalSeconds(),
                    "unimprovedSteps", scenario.rebalance().unimprovedSteps()));
            sc.put("settings", settings);
            m.put("scenario", sc);
            List<Map<String, Object>> policies = new ArrayList<>();
            results.forEach(r -> policies.add(r.details));
            m.put("policies", policies);
            return m;
        }
    }

    /** A map with the keys in the order given (JSON output must not depend on hash order). */
    static Map<String, Object> ordered(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        }
        return m;
    }

    public static Report run(Scenario scenario, int threads, Progress progress) {
        PolicySet policies = PolicySet.load(scenario);
        List<String> ids = scenario.policies();
        if (threads <= 1 || ids.size() == 1) {
            List<PolicyResult> results = new ArrayList<>();
            for (String id : ids) {
                results.add(runOne(scenario, policies, id, progress));
            }
            return new Report(scenario, results);
        }
        ExecutorService pool = Executors.newFixedThreadPool(Math.min(threads, ids.size()));
        try {
            List<Future<PolicyResult>> futures = new ArrayList<>();
            for (String id : ids) {
                futures.add(pool.submit(() -> runOne(scenario, policies, id, progress)));
            }
            List<PolicyResult> results = new ArrayList<>();
            for (Future<PolicyResult> f : futures) {
                results.add(f.get());
            }
            return new Report(scenario, results);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (ExecutionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdownNow();
        }
    }

    /** One policy on the scenario, from an empty system. */
    static PolicyResult runOne(Scenario scenario, PolicySet policies, String policy, Progress progress) {
        SimClock clock = new SimClock(scenario.start());
        Router router = switch (policy) {
            case Policies.DISPATCHER -> new CoreRouter(scenario, policies, clock, false);
            case Policies.DISPATCHER_REBALANCER -> new CoreRouter(scenario, policies, clock, true);
            case Policies.RANDOM -> new BaselineRouter(BaselineRouter.Mode.RANDOM, scenario, policies, clock);
            case Policies.ROUND_ROBIN -> new BaselineRouter(BaselineRouter.Mode.ROUND_ROBIN, scenario, policies, clock);
            case Policies.LEAST_BUSY -> new BaselineRouter(BaselineRouter.Mode.LEAST_BUSY, scenario, policies, clock);
            case Policies.POOLED_FIFO -> new BaselineRouter(BaselineRouter.Mode.POOLED_FIFO, scenario, policies, clock);
            default -> throw new IllegalArgumentException("unknown policy " + policy);
        };
        progress.started(policy);
        return new Simulation(scenario, policy, router, clock, policies, progress).run();
    }
}
