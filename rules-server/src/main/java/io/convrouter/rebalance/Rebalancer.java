package io.convrouter.rebalance;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.core.api.solver.Solver;
import org.optaplanner.core.api.solver.SolverFactory;
import org.optaplanner.core.config.constructionheuristic.ConstructionHeuristicPhaseConfig;
import org.optaplanner.core.config.heuristic.selector.move.composite.UnionMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.factory.MoveIteratorFactoryConfig;
import org.optaplanner.core.config.heuristic.selector.move.generic.ChangeMoveSelectorConfig;
import org.optaplanner.core.config.heuristic.selector.move.generic.SwapMoveSelectorConfig;
import org.optaplanner.core.config.localsearch.LocalSearchPhaseConfig;
import org.optaplanner.core.config.localsearch.decider.acceptor.AcceptorType;
import org.optaplanner.core.config.localsearch.decider.acceptor.LocalSearchAcceptorConfig;
import org.optaplanner.core.config.localsearch.decider.forager.LocalSearchForagerConfig;
import org.optaplanner.core.config.phase.PhaseConfig;
import org.optaplanner.core.config.solver.EnvironmentMode;
import org.optaplanner.core.config.solver.SolverConfig;
import org.optaplanner.core.config.solver.termination.TerminationConfig;

/**
 * Solves one rebalance: OptaPlanner (Bavet constraint streams) over the movable conversations,
 * starting from the current plan (warm start), stopping at a time limit or when the score stops
 * improving. A fresh Solver per call, so calls never share state.
 */
public final class Rebalancer {

    /**
     * Accepted moves tabu search weighs before taking a step on a large problem (OptaPlanner's
     * default for tabu search).
     */
    static final int ACCEPTED_PER_STEP = 1000;

    /** The fewest accepted moves a step weighs, however small the problem. */
    static final int FEWEST_ACCEPTED_PER_STEP = 16;

    private final Duration timeLimit;
    private final int unimprovedSteps;
    /** One factory per phase list and step size, built on first use (a factory compiles the constraints once). */
    private final Map<Integer, SolverFactory<RebalancePlan>> factories = new ConcurrentHashMap<>();

    /**
     * {@code timeLimit} caps a solve; it also stops after {@code unimprovedSteps} local-search
     * steps without a better score (counted in steps, not time, so a slow or cold machine plans
     * as well as a fast one, only later), or when a step finds no move it may take
     * ({@link StalledStepTermination}: with one or two movable conversations tabu search gets stuck).
     */
    public Rebalancer(Duration timeLimit, int unimprovedSteps) {
        this.timeLimit = timeLimit;
        this.unimprovedSteps = unimprovedSteps;
    }

    /**
     * How many accepted moves a step weighs: 1,000 (as tabu search does by default), but on a small
     * problem about as many as it has distinct moves ({@link RebalancePlan#neighbourhoodSize()},
     * rounded up to a power of two, at least 16). Moves are drawn at random with repeats, so a step
     * of 1,000 over a dozen moves would weigh each about 80 times, and the unimproved step count and
     * the stall limit, both counted in steps, would cost a second or more for nothing on every small
     * rebalance.
     */
    static int acceptedPerStep(RebalancePlan problem) {
        long moves = problem.neighbourhoodSize();
        if (moves >= ACCEPTED_PER_STEP) {
            return ACCEPTED_PER_STEP;
        }
        long powerOfTwo = Long.highestOneBit(Math.max(1, moves - 1)) << 1;
        return (int) Math.min(ACCEPTED_PER_STEP, Math.max(FEWEST_ACCEPTED_PER_STEP, powerOfTwo));
    }

    private SolverFactory<RebalancePlan> factory(boolean construct, int acceptedPerStep) {
        return factories.computeIfAbsent(acceptedPerStep * 2 + (construct ? 1 : 0),
                k -> SolverFactory.create(config(timeLimit, unimprovedSteps, construct, acceptedPerStep)));
    }

    private static SolverConfig config(Duration timeLimit, int unimprovedSteps, boolean construct, int acceptedPerStep) {
        // Tabu search takes the best non-tabu move even when it is worse, which late acceptance
        // (the default) does not: freeing an expert for a harder conversation needs such a step.
        // Spelled out (entity tabu, as LocalSearchType.TABU_SEARCH sets it) to choose the step size.
        LocalSearchPhaseConfig search = new LocalSearchPhaseConfig()
                .withAcceptorConfig(new LocalSearchAcceptorConfig().withAcceptorTypeList(List.of(AcceptorType.ENTITY_TABU)))
                .withForagerConfig(new LocalSearchForagerConfig().withAcceptedCountLimit(acceptedPerStep))
                .withMoveSelectorConfig(moves())
                .withTerminationConfig(new TerminationConfig().withUnimprovedStepCountLimit(unimprovedSteps)
                        .withTerminationClass(StalledStepTermination.class));
        return new SolverConfig()
                .withSolutionClass(RebalancePlan.class)
                .withEntityClasses(PlanConversation.class)
                .withConstraintProviderClass(RebalanceConstraints.class)
                .withEnvironmentMode(EnvironmentMode.REPRODUCIBLE)
                .withPhases(construct ? new PhaseConfig<?>[] {new ConstructionHeuristicPhaseConfig(), search}
                        : new PhaseConfig<?>[] {search})
                .withTerminationConfig(new TerminationConfig().withSpentLimit(timeLimit));
    }

    /**
     * Whether construction could place anything: some waiting conversation has an eligible agent
     * with room in the starting plan. Construction tries every candidate agent of every waiting
     * conversation; after the dispatcher (which never leaves a conversation waiting while an
     * eligible agent has room) every try breaks capacity, and at a peak that would spend the whole
     * time limit finding nothing.
     */
    static boolean roomForTheWaiting(RebalancePlan problem) {
        Map<PlanAgent, Map<String, Integer>> places = new IdentityHashMap<>();
        Map<PlanAgent, Integer> units = new IdentityHashMap<>();
        for (PlanConversation c : problem.getConversations()) {
            if (c.getAgent() != null) {
                places.computeIfAbsent(c.getAgent(), k -> new HashMap<>()).merge(c.getChannel(), 1, Integer::sum);
                units.merge(c.getAgent(), c.getUnits(), Integer::sum);
            }
        }
        for (PlanConversation c : problem.getConversations()) {
            if (c.getAgent() != null || c.getEligibleAgents() == null) {
                continue;
            }
            for (PlanAgent a : c.getEligibleAgents()) {
                if (places.getOrDefault(a, Map.of()).getOrDefault(c.getChannel(), 0) < a.freeOn(c.getChannel())
                        && units.getOrDefault(a, 0) + c.getUnits() <= a.freeUnits()) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * Change and swap moves, and as often as both together, {@link MakeRoomMoveFactory}'s moves that
     * give a conversation a full agent's place and move the displaced one on. (By default a union
     * draws its moves in proportion to how many there are, so swaps, n squared, would crowd out the rest.)
     */
    static UnionMoveSelectorConfig moves() {
        return new UnionMoveSelectorConfig(List.of(
                new ChangeMoveSelectorConfig().withFixedProbabilityWeight(1.0),
                new SwapMoveSelectorConfig().withFixedProbabilityWeight(1.0),
                new MoveIteratorFactoryConfig().withMoveIteratorFactoryClass(MakeRoomMoveFactory.class)
                        .withFixedProbabilityWeight(2.0)));
    }

    /**
     * A conversation to move: from the agent it is offered to (null: waiting) to the planned agent
     * (null: an offer taken back to the queue).
     */
    public record Move(String conversationId, String fromAgentId, String toAgentId) {}

    public record Result(RebalancePlan best, HardMediumSoftLongScore score, List<Move> moves, long millis) {}

    public Result solve(RebalancePlan problem) {
        long start = System.nanoTime();
        Solver<RebalancePlan> solver = factory(roomForTheWaiting(problem), acceptedPerStep(problem)).buildSolver();
        RebalancePlan best = solver.solve(problem);
        long millis = (System.nanoTime() - start) / 1_000_000;
        List<Move> moves = new ArrayList<>();
        if (best.getScore() != null && best.getScore().hardScore() == 0) {
            for (PlanConversation c : best.getConversations()) {
                String to = c.getAgent() == null ? null : c.getAgent().id();
                if (!Objects.equals(to, c.getCurrentAgentId())) {
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
        sb.append("; ").append(priorityInWords(c));
        return sb.toString();
    }

    /**
     * Why an offer goes back to the queue: the agent's place goes to conversations that weigh more
     * (or the agent can no longer take it).
     */
    public static String explainBackToQueue(PlanConversation c, PlanAgent from, List<PlanConversation> takers) {
        StringBuilder sb = new StringBuilder("offer to agent ").append(c.getCurrentAgentId())
                .append(" taken back to the queue, where it keeps its age (").append(priorityInWords(c)).append(")");
        if (from == null || takers.isEmpty()) {
            return sb.append(": agent ").append(c.getCurrentAgentId()).append(" can no longer take it").toString();
        }
        sb.append(": agent ").append(from.id()).append("'s place goes to ");
        for (int i = 0; i < takers.size(); i++) {
            PlanConversation t = takers.get(i);
            sb.append(i == 0 ? "" : ", ").append(t.getId()).append(" (").append(priorityInWords(t)).append(')');
        }
        return sb.toString();
    }

    private static String priorityInWords(PlanConversation c) {
        return String.format(Locale.ROOT, "priority %d, %.1f with %d min waited", c.getPriority(),
                c.getEffectivePriority(), c.getWaitedSeconds() / 60);
    }
}
