package io.convrouter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.convrouter.classify.ActiveRuleset;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompiler;

/**
 * The A/B split ops rely on: a 30% experiment puts 28-32% of 10,000 customers on the variant,
 * always the same customers for the same experiment, and a different sample for another one.
 */
class ABSplitTest {
    private static final int CUSTOMERS = 10_000;
    private static Ruleset control;
    private static Ruleset variant;

    @BeforeAll
    static void compile() {
        RulesetCompiler compiler = new RulesetCompiler(PolicyFixtures.CLOCK);
        control = compiler.compile(List.of(drl("control")));
        variant = compiler.compile(List.of(drl("variant")));
        assertThat(control.version()).isNotEqualTo(variant.version());
    }

    private static PolicyFile drl(String queue) {
        String text = """
                package test.split;
                import io.convrouter.classify.facts.*;
                global RoutingPlan plan;
                rule "Everything to %s"
                    ruleflow-group "route"
                when
                    Conversation()
                then
                    plan.setTeam("%s");
                end
                """.formatted(queue, queue);
        return new PolicyFile("split.drl", text.getBytes(StandardCharsets.UTF_8));
    }

    private static String customer(int i) {
        return "cust-" + i;
    }

    private static ActiveRuleset experiment(String id, double share) {
        ActiveRuleset active = new ActiveRuleset(control);
        active.set(control, id, variant, share);
        return active;
    }

    private static Set<String> variantCustomers(ActiveRuleset active) {
        Set<String> onVariant = new HashSet<>();
        for (int i = 0; i < CUSTOMERS; i++) {
            ActiveRuleset.Selection s = active.select(customer(i));
            if (ActiveRuleset.Selection.VARIANT.equals(s.variant())) {
                assertThat(s.ruleset()).isSameAs(variant);
                onVariant.add(customer(i));
            } else {
                assertThat(s.variant()).isEqualTo(ActiveRuleset.Selection.CONTROL);
                assertThat(s.ruleset()).isSameAs(control);
            }
        }
        return onVariant;
    }

    @Test
    void aThirtyPercentSplitPutsTwentyEightToThirtyTwoPercentOfCustomersOnTheVariant() {
        for (String experimentId : List.of("exp-1", "0f3c9a1e-7b2d-4c55-9e61-2a8f0d4b7c13", "spring-sale")) {
            Set<String> onVariant = variantCustomers(experiment(experimentId, 0.3));
            assertThat(onVariant.size()).as("customers on the variant of %s", experimentId)
                    .isBetween(2_800, 3_200);
        }
    }

    @Test
    void theSameCustomerAlwaysGetsTheSameVariant() {
        Set<String> first = variantCustomers(experiment("exp-stable", 0.3));
        // Again, on another instance (another server in the cluster computes the same split).
        Set<String> second = variantCustomers(experiment("exp-stable", 0.3));
        assertThat(second).isEqualTo(first);
        // And per request: each customer's selection is the same every time.
        ActiveRuleset active = experiment("exp-stable", 0.3);
        for (int i = 0; i < 200; i++) {
            String id = customer(i);
            String v = active.select(id).variant();
            for (int k = 0; k < 5; k++) {
                assertThat(active.select(id).variant()).isEqualTo(v);
            }
            assertThat(v.equals(ActiveRuleset.Selection.VARIANT)).isEqualTo(first.contains(id));
        }
    }

    @Test
    void anotherExperimentSplitsOtherCustomers() {
        Set<String> a = variantCustomers(experiment("exp-a", 0.3));
        Set<String> b = variantCustomers(experiment("exp-b", 0.3));
        assertThat(b).isNotEqualTo(a);
        Set<String> both = new HashSet<>(a);
        both.retainAll(b);
        // Independent 30% samples share about 9% of customers; the same sample would share 30%.
        assertThat(both.size()).as("customers on the variant of both experiments").isBetween(600, 1_200);
    }

    @Test
    void aLargerShareKeepsTheCustomersOfTheSmallerOne() {
        // Raising the share only adds customers: nobody on the variant is moved back to control.
        Set<String> thirty = variantCustomers(experiment("exp-grow", 0.3));
        Set<String> fifty = variantCustomers(experiment("exp-grow", 0.5));
        assertThat(fifty).containsAll(thirty);
        assertThat(fifty.size()).isBetween(4_800, 5_200);
    }

    @Test
    void withoutAnExperimentEveryoneIsOnTheActiveRuleset() {
        ActiveRuleset active = new ActiveRuleset(control);
        for (int i = 0; i < 1_000; i++) {
            ActiveRuleset.Selection s = active.select(customer(i));
            assertThat(s.ruleset()).isSameAs(control);
            assertThat(s.experimentId()).isNull();
            assertThat(s.variant()).isNull();
        }
        assertThat(active.select(null).ruleset()).as("anonymous customers").isSameAs(control);
    }

    @Test
    void bucketsAreSpreadEvenlyOverTheUnitInterval() {
        int[] deciles = new int[10];
        for (int i = 0; i < CUSTOMERS; i++) {
            double b = ActiveRuleset.bucket("exp-even", customer(i));
            assertThat(b).isGreaterThanOrEqualTo(0.0).isLessThan(1.0);
            deciles[(int) (b * 10)]++;
        }
        for (int d : deciles) {
            assertThat(d).isBetween(850, 1_150);
        }
    }
}
