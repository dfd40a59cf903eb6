package io.convrouter.rebalance;

import java.util.List;

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

    public List<PlanAgent> getAgents() { return agents; }
    public List<PlanConversation> getConversations() { return conversations; }
    public HardMediumSoftLongScore getScore() { return score; }
    public void setScore(HardMediumSoftLongScore score) { this.score = score; }
}
