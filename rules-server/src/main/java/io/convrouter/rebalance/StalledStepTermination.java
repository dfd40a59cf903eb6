package io.convrouter.rebalance;

import org.optaplanner.core.impl.phase.scope.AbstractPhaseScope;
import org.optaplanner.core.impl.phase.scope.AbstractStepScope;
import org.optaplanner.core.impl.solver.scope.SolverScope;
import org.optaplanner.core.impl.solver.termination.AbstractTermination;
import org.optaplanner.core.impl.solver.termination.Termination;
import org.optaplanner.core.impl.solver.thread.ChildThreadType;

/**
 * Ends local search when one step has looked at twenty times the moves a step takes
 * ({@link Rebalancer#acceptedPerStep}: 1,000 on a large problem, fewer on a small one) without
 * taking any.
 *
 * <p>Local search draws moves at random without end and takes a step once the forager has enough
 * accepted ones. With one or two movable conversations, every move soon touches an entity that is
 * tabu, none is accepted, no step is ever taken, and the unimproved step count cannot end the
 * phase: the solver would run to its time limit on every small rebalance. A step that has looked
 * at this many moves without accepting any is stuck for good (tabu status only expires with
 * steps), so the phase ends there. Counted in moves, not time, like the unimproved step count.
 *
 * <p>Moves are counted as local search asks this termination after each one, not by score
 * calculations: with each conversation limited to its eligible agents most drawn moves are not
 * doable (a swap to an agent the other conversation may not have) and are skipped unscored.
 */
public final class StalledStepTermination<S> extends AbstractTermination<S> {

    /** Moves a step may look at without taking one, per move a step takes. */
    static final long STALLED_PER_ACCEPTED = 20;

    /** On a large problem: twenty times what a tabu search step needs when moves are accepted. */
    static final long STALLED_MOVES = STALLED_PER_ACCEPTED * Rebalancer.ACCEPTED_PER_STEP;

    private long movesSinceLastStep;
    private long limit = STALLED_MOVES;

    @Override
    public void phaseStarted(AbstractPhaseScope<S> phaseScope) {
        movesSinceLastStep = 0;
        limit = limitFor(phaseScope.getWorkingSolution());
    }

    static long limitFor(Object solution) {
        return solution instanceof RebalancePlan plan
                ? STALLED_PER_ACCEPTED * Rebalancer.acceptedPerStep(plan)
                : STALLED_MOVES;
    }

    @Override
    public void stepEnded(AbstractStepScope<S> stepScope) {
        movesSinceLastStep = 0;
    }

    /** Asked after every move local search looks at (and once before each step). */
    @Override
    public boolean isPhaseTerminated(AbstractPhaseScope<S> phaseScope) {
        return ++movesSinceLastStep >= limit;
    }

    @Override
    public boolean isSolverTerminated(SolverScope<S> solverScope) {
        throw new UnsupportedOperationException(getClass().getSimpleName() + " can only be used for phase termination.");
    }

    @Override
    public double calculateSolverTimeGradient(SolverScope<S> solverScope) {
        return -1.0; // unknown
    }

    @Override
    public double calculatePhaseTimeGradient(AbstractPhaseScope<S> phaseScope) {
        return -1.0; // unknown
    }

    @Override
    public Termination<S> createChildThreadTermination(SolverScope<S> solverScope, ChildThreadType childThreadType) {
        return new StalledStepTermination<>();
    }
}
