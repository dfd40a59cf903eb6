package io.convrouter.rebalance;

import static org.optaplanner.core.api.score.stream.ConstraintCollectors.count;
import static org.optaplanner.core.api.score.stream.ConstraintCollectors.sum;

import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.core.api.score.stream.Constraint;
import org.optaplanner.core.api.score.stream.ConstraintFactory;
import org.optaplanner.core.api.score.stream.ConstraintProvider;

/**
 * What a good plan is, one method per constraint. Hard: never break eligibility or capacity.
 * Medium: leave as few conversations waiting as possible, weighted by priority and wait. Soft:
 * better skill matches, balanced load, preferred agents, performance on the intent, and few
 * changes to offers already out.
 */
public class RebalanceConstraints implements ConstraintProvider {

    public static final String SKILLS = "Required skills at their minimum level";
    public static final String LANGUAGE = "Speaks the conversation's language";
    public static final String ELIGIBLE = "Agent may take it (available, sticky window, team, queue, not declined)";
    public static final String CHANNEL_CAPACITY = "Places per channel";
    public static final String UNITS = "Weighted capacity";
    public static final String WAITING = "Conversations left waiting";
    public static final String SKILL_MATCH = "Better skill match";
    public static final String BALANCE = "Balanced load";
    public static final String PREFERRED = "Preferred or sticky agent";
    public static final String PERFORMANCE = "Performance on the intent";
    public static final String STABILITY = "Few changes to offers already out";

    @Override
    public Constraint[] defineConstraints(ConstraintFactory f) {
        return new Constraint[] {
            requiredSkills(f), language(f), eligibleAgent(f), channelCapacity(f), weightedCapacity(f),
            conversationsLeftWaiting(f),
            skillMatch(f), balancedLoad(f), preferredAgent(f), performance(f), stability(f)
        };
    }

    Constraint requiredSkills(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .filter(c -> c.missingSkillLevels(c.getAgent()) > 0)
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, c -> c.missingSkillLevels(c.getAgent()))
                .asConstraint(SKILLS);
    }

    Constraint language(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .filter(c -> !c.getAgent().speaks(c.getLanguage()))
                .penalize(HardMediumSoftLongScore.ONE_HARD)
                .asConstraint(LANGUAGE);
    }

    Constraint eligibleAgent(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .filter(c -> !c.getAgent().available()
                        || (c.getOnlyAgentId() != null && !c.getOnlyAgentId().equals(c.getAgent().id()))
                        || (c.getTeam() != null && !c.getAgent().teams().contains(c.getTeam()))
                        || !c.getAgent().serves(c.getServedBy())
                        || c.getDeclinedBy().contains(c.getAgent().id()))
                .penalize(HardMediumSoftLongScore.ONE_HARD)
                .asConstraint(ELIGIBLE);
    }

    Constraint channelCapacity(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .groupBy(PlanConversation::getAgent, PlanConversation::getChannel, count())
                .filter((agent, channel, n) -> n > agent.freeOn(channel))
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (agent, channel, n) -> n - agent.freeOn(channel))
                .asConstraint(CHANNEL_CAPACITY);
    }

    Constraint weightedCapacity(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .groupBy(PlanConversation::getAgent, sum(PlanConversation::getUnits))
                .filter((agent, units) -> units > agent.freeUnits())
                .penalizeLong(HardMediumSoftLongScore.ONE_HARD, (agent, units) -> (units - agent.freeUnits() + 999) / 1000)
                .asConstraint(UNITS);
    }

    /** Weighted by effective priority as the dispatcher's queue orders it (see {@link PlanConversation#waitingWeight()}). */
    Constraint conversationsLeftWaiting(ConstraintFactory f) {
        return f.forEachIncludingNullVars(PlanConversation.class)
                .filter(c -> c.getAgent() == null)
                .penalizeLong(HardMediumSoftLongScore.ONE_MEDIUM, PlanConversation::waitingWeight)
                .asConstraint(WAITING);
    }

    Constraint skillMatch(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .rewardLong(HardMediumSoftLongScore.ofSoft(10), c -> c.skillSurplus(c.getAgent()))
                .asConstraint(SKILL_MATCH);
    }

    /**
     * The sum over agents of their squared total load (accepted plus planned), counted from each
     * agent's accepted load: (pinned + n)^2 - pinned^2. An agent given no movable work has no match
     * here, so counting its full pinned^2 only for agents that do get work would make a busy agent
     * look cheaper to leave idle than it is, and pile work onto the agents with none.
     */
    Constraint balancedLoad(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .groupBy(PlanConversation::getAgent, count())
                .penalizeLong(HardMediumSoftLongScore.ONE_SOFT,
                        (agent, n) -> (long) n * (2L * agent.pinnedLoad() + n))
                .asConstraint(BALANCE);
    }

    Constraint preferredAgent(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .filter(c -> c.getAgent().id().equals(c.getPreferredAgentId()))
                .reward(HardMediumSoftLongScore.ofSoft(30))
                .asConstraint(PREFERRED);
    }

    Constraint performance(ConstraintFactory f) {
        return f.forEach(PlanConversation.class)
                .rewardLong(HardMediumSoftLongScore.ONE_SOFT,
                        c -> Math.round(20 * c.getAgent().performanceOn(c.getIntent())))
                .asConstraint(PERFORMANCE);
    }

    Constraint stability(ConstraintFactory f) {
        return f.forEachIncludingNullVars(PlanConversation.class)
                .filter(PlanConversation::movedFromCurrentOffer)
                .penalize(HardMediumSoftLongScore.ofSoft(15))
                .asConstraint(STABILITY);
    }
}
