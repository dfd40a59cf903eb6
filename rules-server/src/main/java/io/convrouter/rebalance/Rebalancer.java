package io.convrouter.rebalance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.core.api.solver.Solver;
import org.optaplanner.core.api.solver.SolverFactory;
import org.optaplanner.core.config.constructionheuristic.ConstructionHeuristicPhaseConfig;
import org.optaplanner.core.config.localsearch.LocalSearchPhaseConfig;
import org.optaplanner.core.config.localsearch.LocalSearchType;
import org.optaplanner.core.config.solver.EnvironmentMode;
import org.optaplanner.core.config.solver.SolverConfig;
import org.optaplanner.core.config.solver.termination.TerminationConfig;

/**
 * Solves one rebalance: OptaPlanner (Bavet constraint streams) over the movable conversations,
 * starting from the current plan (warm start), stopping at a time limit or when the score stops
 * improving. A fresh Solver per call, so calls never share state.
 */
public final class Rebalancer {

    private final SolverFactory<RebalancePlan> factory;

    /**
     * {@code timeLimit} caps a solve; it also stops after {@code unimprovedSteps} local-search
     * steps without a better score (counted in steps, not time, so a slow or cold machine plans
     * as well as a fast one, only later), or when a step finds no move it may take
     * ({@link StalledStepTermination}: with one or two movable conversations tabu search gets stuck).
     */
    public Rebalancer(Duration timeLimit, int unimprovedSteps) {
        SolverConfig config = new SolverConfig()
                .withSolutionClass(RebalancePlan.class)
                .withEntityClasses(PlanConversation.class)
                .withConstraintProviderClass(RebalanceConstraints.class)
                .withEnvironmentMode(EnvironmentMode.REPRODUCIBLE)
                // Tabu search takes the best non-tabu move even when it is worse, which late acceptance
                // (the default) does not: freeing an expert for a harder conversation needs such a step.
                .withPhases(new ConstructionHeuristicPhaseConfig(),
                        new LocalSearchPhaseConfig().withLocalSearchType(LocalSearchType.TABU_SEARCH)
                                .withTerminationConfig(new TerminationConfig().withUnimprovedStepCountLimit(unimprovedSteps)
                                        .withTerminationClass(StalledStepTermination.class)))
                .withTerminationConfig(new TerminationConfig().withSpentLimit(timeLimit));
        this.factory = SolverFactory.create(config);
    }

    /** A conversation to move: from the agent it is offered to (null: waiting) to the planned agent. */
    public record Move(String conversationId, String fromAgentId, String toAgentId) {}

    public record Result(RebalancePlan best, HardMediumSoftLongScore score, List<Move> moves, long millis) {}

    public Result solve(RebalancePlan problem) {
        Map<String, String> before = new HashMap<>();
        for (PlanConversation c : problem.getConversations()) {
            before.put(c.getId(), c.getAgent() == null ? null : c.getAgent().id());
        }
        long start = System.nanoTime();
        Solver<RebalancePlan> solver = factory.buildSolver();
        RebalancePlan best = solver.solve(problem);
        long millis = (System.nanoTime() - start) / 1_000_000;
        List<Move> moves = new ArrayList<>();
        if (best.getScore() != null && best.getScore().hardScore() == 0) {
            for (PlanConversation c : best.getConversations()) {
                String to = c.getAgent() == null ? null : c.getAgent().id();
                String from = before.get(c.getId());
                if (to != null && !to.equals(from)) {
                    moves.add(new Move(c.getId(), c.getCurrentAgentId(), to));
                }
            }
        }
        return new Result(best, best.getScore(), moves, millis);
    }

    /**
     * Why a conversation goes to {@code to} rather than where it was, in words an auditor reads:
     * skill levels against the minimum, and the load of both agents.
     */
    public static String explain(PlanConversation c, PlanAgent to, PlanAgent from, Map<String, Integer> plannedLoad) {
        StringBuilder sb = new StringBuilder("to agent ").append(to.id()).append(":");
        for (Map.Entry<String, Integer> need : c.getRequiredSkills().entrySet()) {
            sb.append(' ').append(need.getKey()).append(" level ").append(to.level(need.getKey()));
            if (from != null) {
                sb.append(" vs ").append(from.level(need.getKey()));
            } else {
                sb.append(" (needs ").append(need.getValue()).append(')');
            }
            sb.append(';');
        }
        sb.append(" load ").append(to.pinnedLoad() + plannedLoad.getOrDefault(to.id(), 0)).append(" after the plan");
        if (from != null) {
            sb.append("; agent ").append(from.id()).append(" had ").append(from.pinnedLoad() + plannedLoad.getOrDefault(from.id(), 0));
        }
        if (to.id().equals(c.getPreferredAgentId())) {
            sb.append("; the customer's preferred agent");
        }
        return sb.toString();
    }
}
