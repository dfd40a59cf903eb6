package io.convrouter.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import io.convrouter.classify.Classifier;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompiler;

/**
 * The comparison of {@link ClassificationBenchmark} measured in CPU time of the measuring thread
 * rather than wall-clock time, for a machine shared with other work: time the thread spends
 * descheduled is not counted, so the figures move far less with the machine's load than JMH's.
 * Drools and the hand-coded classifier run in alternating rounds over the same inputs; the median
 * round is reported.
 *
 * <p>Usage (from the project root): {@code java -cp benchmarks/target/benchmarks.jar
 * io.convrouter.bench.ClassificationCpuTime [rounds] [inputs]} (defaults 30 rounds of 20,000
 * classifications each, over the 1,000 generated inputs; {@code samples} as the second argument
 * uses the ten samples).
 */
public final class ClassificationCpuTime {
    private static volatile Object sink;

    public static void main(String[] args) throws Exception {
        int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 30;
        List<RoutingInput> inputs = args.length > 1 && args[1].equals("samples") ? ClassificationBenchmark.sampleInputs()
                : ClassificationCorpus.generate(20261125L, 1000);
        int perRound = 20_000;
        Ruleset ruleset = new RulesetCompiler(Clock.systemUTC())
                .compile(ClassificationBenchmark.readRules(Path.of(System.getProperty("rules.dir", "rules"))));
        Classifier classifier = new Classifier();
        HandCodedClassifier handCoded = new HandCodedClassifier();
        List<String> differences = ClassificationBenchmark.differences(ruleset, classifier, handCoded, inputs);
        if (!differences.isEmpty()) {
            throw new IllegalStateException("the classifiers disagree: " + differences.get(0));
        }
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        double[] drools = new double[rounds];
        double[] plain = new double[rounds];
        int warmupRounds = 10;
        for (int round = -warmupRounds; round < rounds; round++) {
            long t0 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                sink = inputs.get(i % inputs.size()).classify(classifier, ruleset, ClassificationBenchmark.DEFAULTS);
            }
            long t1 = threads.getCurrentThreadCpuTime();
            for (int i = 0; i < perRound; i++) {
                sink = handCoded.classify(inputs.get(i % inputs.size()), ClassificationBenchmark.DEFAULTS);
            }
            long t2 = threads.getCurrentThreadCpuTime();
            if (round >= 0) {
                drools[round] = (t1 - t0) / 1000.0 / perRound;
                plain[round] = (t2 - t1) / 1000.0 / perRound;
                System.out.printf(Locale.ROOT, "round %d/%d: Drools %.2f us, hand-coded %.2f us%n", round + 1, rounds,
                        drools[round], plain[round]);
            }
        }
        double d = median(drools);
        double p = median(plain);
        System.out.printf(Locale.ROOT, "%d inputs, median of %d rounds of %d, CPU time per classification:%n",
                inputs.size(), rounds, perRound);
        System.out.printf(Locale.ROOT, "  Drools     %.2f us (rounds %.2f-%.2f)%n", d, min(drools), max(drools));
        System.out.printf(Locale.ROOT, "  hand-coded %.2f us (rounds %.2f-%.2f)%n", p, min(plain), max(plain));
        System.out.printf(Locale.ROOT, "  ratio      %.1fx%n", d / p);
    }

    private static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }

    private static double min(double[] v) {
        return Arrays.stream(v).min().orElse(0);
    }

    private static double max(double[] v) {
        return Arrays.stream(v).max().orElse(0);
    }
}
