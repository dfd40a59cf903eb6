package io.convrouter.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import io.convrouter.classify.Classification;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompiler;

/**
 * Time to classify one conversation with the default policies in rules/ (Drools, DRL mode,
 * four stages), against the same decisions hand-coded in plain Java ({@link HandCodedClassifier}):
 * the ratio is the price of keeping the policies editable. Two input sets: {@code samples}, ten
 * representative conversations that exercise every table, and {@code generated}, 1,000 seeded
 * conversations from {@link ClassificationCorpus} (most with a customer history). Before measuring,
 * the setup checks that both classifiers give identical plans for both sets and stops if not.
 *
 * <p>Run from the project root: {@code java -jar benchmarks/target/benchmarks.jar Classification}
 * (set {@code -Drules.dir=...} to measure other policies; the hand-coded side and the check then
 * only hold for the default ones).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ClassificationBenchmark {

    static final RoutingInput.Defaults DEFAULTS = new RoutingInput.Defaults("general", 20, 120, "zh");

    /** {@code samples}: the ten below; {@code generated}: 1,000 from {@link ClassificationCorpus}. */
    @Param({"samples", "generated"})
    public String corpus;

    Ruleset ruleset;
    Classifier classifier;
    HandCodedClassifier handCoded;
    List<RoutingInput> inputs;
    int next;

    @Setup
    public void setUp() throws IOException {
        ruleset = new RulesetCompiler(Clock.systemUTC()).compile(readRules(Path.of(System.getProperty("rules.dir", "rules"))));
        classifier = new Classifier();
        handCoded = new HandCodedClassifier();
        inputs = corpus.equals("samples") ? sampleInputs() : ClassificationCorpus.generate(20261125L, 1000);
        List<String> differences = differences(ruleset, classifier, handCoded, inputs);
        if (!differences.isEmpty()) {
            throw new IllegalStateException("the hand-coded classifier does not decide as the rules do ("
                    + differences.size() + " of " + inputs.size() + "), first: " + differences.get(0));
        }
    }

    @Benchmark
    public Classification classifyWithDrools() {
        RoutingInput in = inputs.get(next++ % inputs.size());
        return in.classify(classifier, ruleset, DEFAULTS);
    }

    @Benchmark
    public Classification.Plan classifyHandCoded() {
        RoutingInput in = inputs.get(next++ % inputs.size());
        return handCoded.classify(in, DEFAULTS);
    }

    /** Each input whose plans differ, with both plans; empty when they all agree. */
    static List<String> differences(Ruleset ruleset, Classifier classifier, HandCodedClassifier handCoded,
                                    List<RoutingInput> inputs) {
        List<String> differences = new ArrayList<>();
        for (RoutingInput in : inputs) {
            Classification drools = in.classify(classifier, ruleset, DEFAULTS);
            Classification.Plan plain = handCoded.classify(in, DEFAULTS);
            if (!drools.plan().equals(plain)) {
                differences.add(in + "\n  rules:      " + drools.plan() + " (fired " + drools.rulesFired().stream()
                        .map(f -> f.name()).toList() + ")\n  hand-coded: " + plain);
            }
        }
        return differences;
    }

    static List<RoutingInput> sampleInputs() {
        List<RoutingInput> list = new ArrayList<>();
        list.add(input("wechat", "我要退款，订单一直没发货", "zh", "vip", true, "a-7", "double11", "/product/down-jacket", Map.of()));
        list.add(input("web", "Where is my order? The tracking has not moved", null, "regular", false, null, null, null, Map.of()));
        list.add(input("app", "支付失败了，扣款两次", "zh", "regular", false, null, null, null, Map.of()));
        list.add(input("wechat", "我要投诉你们的客服，太差劲了", "zh", "regular", true, "a-3", null, null, Map.of()));
        list.add(input("marketplace", "这个能便宜点吗", "zh", "new", false, null, null, null, Map.of("marketplace", "tmall")));
        list.add(input("live_stream", "主播这件多少钱", "zh", "new", false, null, "live0611", "/product/123", Map.of()));
        list.add(input("email", "Please send me the invoice for order 1234", "en", "regular", false, null, null, null, Map.of()));
        list.add(input("web", "hello", null, "blacklist", false, null, null, null, Map.of()));
        list.add(input("short_video", "666", "zh", "new", false, null, null, null, Map.of()));
        list.add(input("web", "空调坏了，需要上门维修", "zh", "regular", false, null, null, null, Map.of()));
        return list;
    }

    private static RoutingInput input(String channel, String text, String language, String tier, boolean returning,
                                      String lastAgent, String campaign, String landingPage, Map<String, String> fields) {
        return new RoutingInput("bench", channel, text, language, "c-1", tier, returning, lastAgent, 3, Set.of(),
                campaign, landingPage, null, fields);
    }

    static List<PolicyFile> readRules(Path dir) throws IOException {
        List<PolicyFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                PolicyFile f = new PolicyFile(dir.relativize(p).toString(), Files.readAllBytes(p));
                if (f.isRulesetFile()) {
                    files.add(f);
                }
            }
        }
        return files;
    }
}
