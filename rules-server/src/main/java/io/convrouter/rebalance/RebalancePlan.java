package io.convrouter.rebalance;

import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

import org.optaplanner.core.api.domain.solution.PlanningEntityCollectionProperty;
import org.optaplanner.core.api.domain.solution.PlanningScore;
import org.optaplanner.core.api.domain.solution.PlanningSolution;
import org.optaplanner.core.api.domain.solution.ProblemFactCollectionProperty;
import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;

/**
 * The whole picture at one moment: the movable conversations and the agents with what they have
 * left. Each conversation's candidate agents are the ones it is eligible for (an entity value
 * range, see {@link PlanConversation#couldGoTo}), worked out once here.
 */
@PlanningSolution
public class RebalancePlan {
    @ProblemFactCollectionProperty
    private List<PlanAgent> agents;

    @PlanningEntityCollectionProperty
    private List<PlanConversation> conversations;

    @PlanningScore
    private HardMediumSoftLongScore score;

    public RebalancePlan() {
    }

    public RebalancePlan(List<PlanAgent> agents, List<PlanConversation> conversations) {
        this.agents = agents;
        this.conversations = conversations;
        conversations.forEach(c -> c.restrictTo(agents));
    }

    /**
     * True when no plan can be better than the current one, so solving would only spend CPU: no
     * conversation could go to any agent but the one it is offered to (a waiting one to none), and
     * every offer is where it may be (eligible, within capacity). The only other plans then take
     * offers back to the queue, which leaves more waiting and never frees a place anyone else could use.
     */
    public boolean nothingToMove() {
        Map<PlanAgent, Map<String, Integer>> places = new IdentityHashMap<>();
        Map<PlanAgent, Integer> units = new IdentityHashMap<>();
        for (PlanConversation c : conversations) {
            List<PlanAgent> eligible = c.getEligibleAgents() == null ? List.of() : c.getEligibleAgents();
            PlanAgent current = c.getAgent();
            if (eligible.size() > (current == null ? 0 : 1) || (current != null && !eligible.contains(current))) {
                return false;
            }
            if (current != null) {
                places.computeIfAbsent(current, k -> new HashMap<>()).merge(c.getChannel(), 1, Integer::sum);
                units.merge(current, c.getUnits(), Integer::sum);
            }
        }
        for (Map.Entry<PlanAgent, Map<String, Integer>> e : places.entrySet()) {
            for (Map.Entry<String, Integer> onChannel : e.getValue().entrySet()) {
                if (onChannel.getValue() > e.getKey().freeOn(onChannel.getKey())) {
                    return false;
                }
            }
            if (units.get(e.getKey()) > e.getKey().freeUnits()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Roughly how many distinct moves local search can draw: a change to each eligible agent or the
     * queue, a swap of any two movable conversations, a make-room move per eligible agent.
     */
    public long neighbourhoodSize() {
        long movable = 0;
        long size = 0;
        for (PlanConversation c : conversations) {
            if (c.isPinned() || c.getEligibleAgents() == null) {
                continue;
            }
            movable++;
            size += 2L * c.getEligibleAgents().size() + 1;
        }
        return size + movable * (movable - 1) / 2;
    }

    public List<PlanAgent> getAgents() { return agents; }
    public List<PlanConversation> getConversations() { return conversations; }
    public HardMediumSoftLongScore getScore() { return score; }
    public void setScore(HardMediumSoftLongScore score) { this.score = score; }
}
