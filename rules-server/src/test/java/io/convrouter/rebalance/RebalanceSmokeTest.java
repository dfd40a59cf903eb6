package io.convrouter.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.optaplanner.test.api.score.stream.ConstraintVerifier;

class RebalanceSmokeTest {

    static PlanAgent agent(String id, int refund, int freeWeb) {
        return new PlanAgent(id, true, Map.of("refund", refund), Set.of("zh"), Set.of(), Set.of(),
                Map.of("web", freeWeb), 10_000, 0, Map.of());
    }

    static PlanConversation conversation(String id, int level) {
        return new PlanConversation(id, "web", 1000, Map.of("refund", level), "zh", null, Set.of("after-sales"),
                Set.of(), null, null, 50, 51.0, 60, "refund", null);
    }

    @Test
    void theVerifierPenalisesAnAgentWithoutTheSkillLevel() {
        ConstraintVerifier<RebalanceConstraints, RebalancePlan> verifier = ConstraintVerifier.build(
                new RebalanceConstraints(), RebalancePlan.class, PlanConversation.class);
        PlanConversation c = conversation("c1", 4);
        c.setAgent(agent("a", 2, 5));
        verifier.verifyThat(RebalanceConstraints::requiredSkills).given(c).penalizesBy(2);
    }

    @Test
    void theSolverGivesTheConversationNeedingTheHigherLevelToTheAgentWhoHasIt() {
        PlanAgent expert = agent("expert", 5, 1);
        PlanAgent junior = agent("junior", 3, 1);
        PlanConversation hard = conversation("hard", 5);
        PlanConversation easy = conversation("easy", 3);
        easy.setAgent(expert); // a poor current plan: the easy one holds the expert
        Rebalancer.Result r = new Rebalancer(Duration.ofSeconds(30), 50)
                .solve(new RebalancePlan(List.of(expert, junior), List.of(hard, easy)));
        assertThat(r.score().hardScore()).isZero();
        Map<String, String> planned = new java.util.HashMap<>();
        r.best().getConversations().forEach(c -> planned.put(c.getId(), c.getAgent() == null ? null : c.getAgent().id()));
        assertThat(planned).containsEntry("hard", "expert").containsEntry("easy", "junior");
    }
}
