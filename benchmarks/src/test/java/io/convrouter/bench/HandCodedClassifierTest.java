package io.convrouter.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.convrouter.classify.Classification;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompiler;

/**
 * The benchmark compares Drools with {@link HandCodedClassifier}; the comparison means something
 * only while both make the same decisions on the default policies in rules/.
 */
class HandCodedClassifierTest {
    static Ruleset ruleset;

    @BeforeAll
    static void compileDefaultRules() throws Exception {
        Path rules = Files.isDirectory(Path.of("rules")) ? Path.of("rules") : Path.of("../rules");
        ruleset = new RulesetCompiler(Clock.systemUTC()).compile(ClassificationBenchmark.readRules(rules));
    }

    @Test
    void sameDecisionsAsTheRulesOnTheSampleConversations() {
        assertThat(ClassificationBenchmark.differences(ruleset, new Classifier(), new HandCodedClassifier(),
                ClassificationBenchmark.sampleInputs())).isEmpty();
    }

    @Test
    void sameDecisionsAsTheRulesOnFiveThousandGeneratedConversations() {
        List<RoutingInput> corpus = ClassificationCorpus.generate(7L, 5000);
        assertThat(ClassificationBenchmark.differences(ruleset, new Classifier(), new HandCodedClassifier(), corpus))
                .isEmpty();
    }

    /** The corpus must reach the rules it is meant to compare, or agreement proves little. */
    @Test
    void theGeneratedCorpusFiresEveryDefaultRule() {
        Classifier classifier = new Classifier();
        java.util.Set<String> fired = new java.util.HashSet<>();
        for (RoutingInput in : ClassificationCorpus.generate(7L, 5000)) {
            in.classify(classifier, ruleset, ClassificationBenchmark.DEFAULTS).rulesFired().forEach(f -> fired.add(f.name()));
        }
        java.util.Set<String> all = new java.util.HashSet<>();
        ruleset.rules().keySet().forEach(key -> all.add(key.substring(key.indexOf('/') + 1)));
        assertThat(fired).containsAll(all);
    }

    @Test
    void aVipRefundOnWeChatGoesToTheVipDesk() {
        RoutingInput in = new RoutingInput("c-1", "wechat", "我要退款，订单一直没发货", "zh", "c-42", "vip", true, "a-7", 12,
                java.util.Set.of(), "double11", "/product/down-jacket", "apparel", Map.of());
        Classification.Plan plan = new HandCodedClassifier().classify(in, ClassificationBenchmark.DEFAULTS);
        assertThat(plan.intent()).isEqualTo("refund");
        assertThat(plan.queue()).isEqualTo("vip-desk");
        assertThat(plan.requiredSkills()).isEqualTo(Map.of("refund", 3));
        assertThat(plan.priority()).isEqualTo(90);
        assertThat(plan.slaSeconds()).isEqualTo(20);
        assertThat(plan.preferredAgentId()).isEqualTo("a-7");
    }
}
