package io.convrouter.rebalance;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

import org.optaplanner.core.api.score.director.ScoreDirector;
import org.optaplanner.core.impl.heuristic.move.AbstractMove;

/**
 * Places one or more conversations at once (an agent each, or null: back to waiting), as one
 * step of local search: typically a conversation takes an agent's place and the one it displaces
 * goes to another agent with room, or back to the queue ({@link MakeRoomMoveFactory}).
 */
final class PlaceMove extends AbstractMove<RebalancePlan> {
    private static final String VARIABLE = "agent";

    private final List<PlanConversation> conversations;
    private final List<PlanAgent> agents;

    PlaceMove(List<PlanConversation> conversations, List<PlanAgent> agents) {
        this.conversations = conversations;
        this.agents = agents;
    }

    @Override
    public boolean isMoveDoable(ScoreDirector<RebalancePlan> scoreDirector) {
        for (int i = 0; i < conversations.size(); i++) {
            if (conversations.get(i).getAgent() != agents.get(i)) {
                return true;
            }
        }
        return false;
    }

    @Override
    protected PlaceMove createUndoMove(ScoreDirector<RebalancePlan> scoreDirector) {
        List<PlanAgent> before = new ArrayList<>(conversations.size());
        conversations.forEach(c -> before.add(c.getAgent()));
        return new PlaceMove(conversations, before);
    }

    @Override
    protected void doMoveOnGenuineVariables(ScoreDirector<RebalancePlan> scoreDirector) {
        for (int i = 0; i < conversations.size(); i++) {
            PlanConversation c = conversations.get(i);
            scoreDirector.beforeVariableChanged(c, VARIABLE);
            c.setAgent(agents.get(i));
            scoreDirector.afterVariableChanged(c, VARIABLE);
        }
    }

    @Override
    public Collection<? extends Object> getPlanningEntities() {
        return conversations;
    }

    @Override
    public Collection<? extends Object> getPlanningValues() {
        List<PlanAgent> values = new ArrayList<>(agents.size());
        agents.forEach(a -> {
            if (a != null) {
                values.add(a);
            }
        });
        return values;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < conversations.size(); i++) {
            PlanAgent a = agents.get(i);
            sb.append(i == 0 ? "" : ", ").append(conversations.get(i).getId()).append(" -> ")
                    .append(a == null ? "waiting" : a.id());
        }
        return sb.toString();
    }
}
