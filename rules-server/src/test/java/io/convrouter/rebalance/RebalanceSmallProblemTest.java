package io.convrouter.rebalance;

import static io.convrouter.rebalance.RebalanceSmokeTest.agent;
import static io.convrouter.rebalance.RebalanceSmokeTest.conversation;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Small and hopeless rebalances: what the scheduled rebalancer meets most of the time. With a
 * one-day time limit (as the simulator runs it) a solve can only end on its move counts, so each
 * solve here finishing at all shows a small problem no longer runs to its time limit; the timeout
 * only keeps a regression from hanging the build. No timing is asserted.
 */
class RebalanceSmallProblemTest {

    private static final Rebalancer ONLY_MOVE_COUNTS_END_IT = new Rebalancer(Duration.ofDays(1), 50);

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void oneWaitingConversationIsPlacedWithTheBetterMatchedAgentWithRoom() {
        PlanAgent junior = agent("junior", 3, 1);
        PlanAgent expert = agent("expert", 5, 1);
        PlanConversation waiting = conversation("waiting", 3);

        Rebalancer.Result r = ONLY_MOVE_COUNTS_END_IT.solve(new RebalancePlan(List.of(junior, expert), List.of(waiting)));

        assertThat(r.score().hardScore()).isZero();
        assertThat(r.score().mediumScore()).isZero();
        assertThat(r.moves()).containsExactly(new Rebalancer.Move("waiting", null, "expert"));
    }

    @Test
    @Timeout(value = 5, unit = TimeUnit.MINUTES)
    void twoMovableFindTheChainThatFreesTheExpert() {
        // Nobody has room for the hard one, so there is nothing to construct: local search alone must
        // move the easy offer to the junior and give its place to the hard one.
        PlanAgent expert = agent("expert", 5, 1);
        PlanAgent junior = agent("junior", 3, 1);
        PlanConversation easy = offered(conversation("easy", 3), expert);
        PlanConversation hard = conversation("hard", 5);
        RebalancePlan plan = new RebalancePlan(List.of(expert, junior), List.of(hard, easy));
        assertThat(Rebalancer.roomForTheWaiting(plan)).isFalse();

        Rebalancer.Result r = ONLY_MOVE_COUNTS_END_IT.solve(plan);

        assertThat(r.score().hardScore()).isZero();
        assertThat(planned(r)).containsEntry("hard", "expert").containsEntry("easy", "junior");
    }

    @Test
    void aTinyProblemIsSearchedThroughInFewMovesALargeOneKeepsTheFullStallLimit() {
        PlanAgent a = agent("a", 5, 1);
        PlanAgent b = agent("b", 5, 1);
        long tiny = StalledStepTermination.limitFor(new RebalancePlan(List.of(a, b),
                List.of(conversation("c1", 3), conversation("c2", 3))));
        assertThat(tiny).isPositive().isLessThan(StalledStepTermination.STALLED_MOVES / 10);

        List<PlanAgent> agents = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            agents.add(agent("agent-" + i, 4, 3));
        }
        List<PlanConversation> backlog = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            backlog.add(conversation("c-" + i, 1 + i % 4));
        }
        assertThat(StalledStepTermination.limitFor(new RebalancePlan(agents, backlog)))
                .isEqualTo(StalledStepTermination.STALLED_MOVES);
    }

    // ---------------------------------------------------------------- nothing to move

    @Test
    void aWaitingConversationNoAgentWithRoomMayTakeHasNothingToMove() {
        PlanAgent full = agent("full", 5, 0);
        PlanAgent unskilled = agent("unskilled", 1, 2);
        assertThat(new RebalancePlan(List.of(full, unskilled), List.of(conversation("w", 3))).nothingToMove()).isTrue();
    }

    @Test
    void aWaitingConversationAnAgentHasRoomForIsMovable() {
        PlanAgent withRoom = agent("room", 3, 1);
        assertThat(new RebalancePlan(List.of(withRoom), List.of(conversation("w", 3))).nothingToMove()).isFalse();
    }

    @Test
    void anOfferOnlyItsOwnAgentMayTakeStaysWhileAnotherAgentCouldTakeItIsMovable() {
        PlanAgent holder = agent("holder", 5, 1);
        PlanAgent other = agent("other", 5, 1);
        PlanAgent unskilled = agent("unskilled", 1, 1);
        assertThat(new RebalancePlan(List.of(holder, unskilled), List.of(offered(conversation("o", 4), holder)))
                .nothingToMove()).isTrue();
        assertThat(new RebalancePlan(List.of(holder, other), List.of(offered(conversation("o", 4), holder)))
                .nothingToMove()).isFalse();
    }

    @Test
    void offersOverTheirAgentsCapacityMustBeSolvedToBeTakenBack() {
        PlanAgent holder = agent("holder", 5, 1); // one place, two offers (its capacity was lowered)
        RebalancePlan plan = new RebalancePlan(List.of(holder),
                List.of(offered(conversation("o1", 4), holder), offered(conversation("o2", 4), holder)));
        assertThat(plan.nothingToMove()).isFalse();
    }

    private static PlanConversation offered(PlanConversation c, PlanAgent to) {
        PlanConversation offered = new PlanConversation(c.getId(), c.getChannel(), c.getUnits(), c.getRequiredSkills(),
                c.getLanguage(), null, c.getServedBy(), c.getDeclinedBy(), null, null, c.getPriority(),
                c.getEffectivePriority(), c.getWaitedSeconds(), c.getIntent(), to.id());
        offered.setAgent(to);
        return offered;
    }

    private static Map<String, String> planned(Rebalancer.Result r) {
        Map<String, String> planned = new HashMap<>();
        r.best().getConversations().forEach(c -> planned.put(c.getId(), c.getAgent() == null ? null : c.getAgent().id()));
        return planned;
    }
}
