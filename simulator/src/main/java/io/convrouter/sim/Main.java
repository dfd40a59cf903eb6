package io.convrouter.sim;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Runs a scenario with every policy it names and writes report.json and report.html:
 * {@code java -jar simulator/target/simulator.jar SCENARIO [--out DIR] [--seed N] [--days N]
 * [--policies a,b] [--threads N] [--quiet]}. Progress goes to stderr every few seconds.
 */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.exit(run(args));
    }

    static int run(String[] args) {
        String scenario = null;
        Path out = Path.of("target", "simulation");
        Long seed = null;
        Integer days = null;
        List<String> policies = null;
        int threads = Runtime.getRuntime().availableProcessors();
        boolean quiet = false;
        try {
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--out" -> out = Path.of(value(args, ++i, "--out"));
                    case "--seed" -> seed = Long.parseLong(value(args, ++i, "--seed"));
                    case "--days" -> days = Integer.parseInt(value(args, ++i, "--days"));
                    case "--policies" -> policies = Arrays.asList(value(args, ++i, "--policies").split(","));
                    case "--threads" -> threads = Integer.parseInt(value(args, ++i, "--threads"));
                    case "--quiet" -> quiet = true;
                    case "-h", "--help" -> {
                        usage();
                        return 0;
                    }
                    default -> {
                        if (args[i].startsWith("--") || scenario != null) {
                            throw new IllegalArgumentException("unknown argument '" + args[i] + "'");
                        }
                        scenario = args[i];
                    }
                }
            }
            if (scenario == null) {
                throw new IllegalArgumentException("name a scenario file");
            }
            if (days != null && days < 1) {
                throw new IllegalArgumentException("--days must be at least 1");
            }
        } catch (IllegalArgumentException e) {
            System.err.println("error: " + e.getMessage());
            usage();
            return 2;
        }
        try {
            long started = System.nanoTime();
            Scenario s = new ScenarioLoader().load(Path.of(scenario),
                    new ScenarioLoader.Overrides(seed, days, policies == null ? null : new ArrayList<>(policies)));
            System.err.printf(Locale.ROOT, "%s: %,d calls, %d agents, %d policies, %.1f days of virtual time%n",
                    s.name(), s.calls().size(), s.agents().size(), s.policies().size(),
                    (s.end() - s.start()) / 86_400_000.0);
            Progress progress = quiet ? new Progress(null, Long.MAX_VALUE) : new Progress(System.err, 5000);
            Runner.Report report = Runner.run(s, threads, progress);
            ReportFiles.write(report, out);
            double seconds = (System.nanoTime() - started) / 1e9;
            double simDays = (s.end() - s.start()) / 86_400_000.0;
            System.err.printf(Locale.ROOT, "wrote %s and %s in %.1f s (%.1f simulated days per minute over %d policies)%n",
                    out.resolve("report.json"), out.resolve("report.html"), seconds,
                    simDays * s.policies().size() / (seconds / 60), s.policies().size());
            Map<String, Progress.Timing> timings = progress.timings();
            for (PolicyResult r : report.results()) {
                Progress.Timing t = timings.get(r.policy);
                System.out.printf(Locale.ROOT, "%-22s ASA %7.1f s  P(wait) %.3f  SL %.3f  abandoned %.3f  skill match %.3f"
                                + "  sticky %.3f  | %.1f s wall, %.1f s CPU: %,.1f simulated days per CPU minute%n",
                        r.policy, r.averageWaitSeconds, r.probabilityOfWaiting, r.serviceLevel, r.abandonmentRate,
                        r.skillMatchRate, r.stickyHitRate, t.wallSeconds(), t.cpuSeconds(), simDays / (t.cpuSeconds() / 60));
            }
            return 0;
        } catch (ScenarioException e) {
            System.err.println(e.getMessage());
            return 1;
        } catch (java.io.IOException e) {
            System.err.println("cannot write the report: " + e.getMessage());
            return 1;
        }
    }

    private static String value(String[] args, int i, String option) {
        if (i >= args.length) {
            throw new IllegalArgumentException(option + " needs a value");
        }
        return args[i];
    }

    private static void usage() {
        System.err.println("usage: java -jar simulator/target/simulator.jar SCENARIO.yaml [--out DIR] [--seed N] "
                + "[--days N] [--policies " + String.join(",", ScenarioLoader.POLICIES) + "] [--threads N] [--quiet]");
    }
}
