package io.convrouter.rebalance;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.optaplanner.core.api.domain.entity.PlanningEntity;
import org.optaplanner.core.api.domain.entity.PlanningPin;
import org.optaplanner.core.api.domain.lookup.PlanningId;
import org.optaplanner.core.api.domain.valuerange.ValueRangeProvider;
import org.optaplanner.core.api.domain.variable.PlanningVariable;

/**
 * A conversation the solver may place: waiting, or offered but not yet accepted. Its requirements
 * are those in force now (after any relaxation steps reached). {@code agent} is the planning
 * variable: null means it keeps waiting. The solver only tries the agents in
 * {@link #getEligibleAgents()}, so a step looks at a handful of agents, not every agent online.
 *
 * @param onlyAgentId       while its sticky window is open, the one agent it may go to (null: any)
 * @param effectivePriority its priority with its queue's aging now: what orders the dispatcher's queue
 * @param currentAgentId    the agent it is offered to now (null when waiting): moving it away costs stability
 */
@PlanningEntity
public class PlanConversation {

    /** Effective priorities above this weigh as this, so that the waiting penalty of a whole backlog fits a long. */
    static final double PRIORITY_CAP = 400;

    @PlanningId
    private String id;
    private String channel;
    private int units;
    private Map<String, Integer> requiredSkills;
    private String language;
    private String team;
    private Set<String> servedBy;
    private Set<String> declinedBy;
    private String onlyAgentId;
    private String preferredAgentId;
    private int priority;
    private double effectivePriority;
    private long waitedSeconds;
    private String intent;
    private String currentAgentId;

    @ValueRangeProvider(id = "eligibleAgents")
    private List<PlanAgent> eligibleAgents;

    @PlanningVariable(valueRangeProviderRefs = "eligibleAgents", nullable = true)
    private PlanAgent agent;

    /** Waiting with no agent it could go to: nothing to decide, so the solver does not draw moves for it. */
    @PlanningPin
    private boolean pinned;

    public PlanConversation() {
    }

    public PlanConversation(String id, String channel, int units, Map<String, Integer> requiredSkills, String language,
                            String team, Set<String> servedBy, Set<String> declinedBy, String onlyAgentId,
                            String preferredAgentId, int priority, double effectivePriority, long waitedSeconds,
                            String intent, String currentAgentId) {
        this.id = id;
        this.channel = channel;
        this.units = units;
        this.requiredSkills = Map.copyOf(requiredSkills);
        this.language = language;
        this.team = team;
        this.servedBy = Set.copyOf(servedBy);
        this.declinedBy = Set.copyOf(declinedBy);
        this.onlyAgentId = onlyAgentId;
        this.preferredAgentId = preferredAgentId;
        this.priority = priority;
        this.effectivePriority = effectivePriority;
        this.waitedSeconds = waitedSeconds;
        this.intent = intent;
        this.currentAgentId = currentAgentId;
    }

    /**
     * Whether the agent may take this conversation at all in this plan: available, not declined,
     * the sticky agent while that window is open, the team, one of the queues, the language, every
     * required skill at its minimum level, a free place on the channel and the units. What the hard
     * constraints check, so the solver never spends a step on an agent that could only break them.
     */
    public boolean couldGoTo(PlanAgent a) {
        return a.available() && !declinedBy.contains(a.id())
                && (onlyAgentId == null || onlyAgentId.equals(a.id()))
                && (team == null || a.teams().contains(team))
                && a.serves(servedBy) && a.speaks(language) && missingSkillLevels(a) == 0
                && a.freeOn(channel) > 0 && a.freeUnits() >= units;
    }

    /** Restricts the agents the solver tries for this conversation to those it {@link #couldGoTo}. */
    public void restrictTo(Collection<PlanAgent> agents) {
        List<PlanAgent> eligible = new ArrayList<>();
        for (PlanAgent a : agents) {
            if (couldGoTo(a)) {
                eligible.add(a);
            }
        }
        this.eligibleAgents = eligible;
        this.pinned = eligible.isEmpty() && agent == null;
    }

    /** How many required skill levels the agent is short of (0 when it has them all). */
    public int missingSkillLevels(PlanAgent a) {
        int missing = 0;
        for (Map.Entry<String, Integer> need : requiredSkills.entrySet()) {
            missing += Math.max(0, need.getValue() - a.level(need.getKey()));
        }
        return missing;
    }

    /** Levels above the minimum across the required skills: how well the agent matches. */
    public int skillSurplus(PlanAgent a) {
        int surplus = 0;
        for (Map.Entry<String, Integer> need : requiredSkills.entrySet()) {
            surplus += Math.max(0, a.level(need.getKey()) - need.getValue());
        }
        return surplus;
    }

    /**
     * How much leaving it waiting hurts, from the same effective priority (priority plus aging) that
     * orders the dispatcher's queue: the weight doubles every 10 points. So when two conversations
     * compete for one place, the plan serves the one the dispatcher would serve first; it leaves a
     * conversation waiting for lower ones only when the place frees room for 2^(gap / 10) of them
     * (a VIP at 90 outweighs 128 conversations at 20). Weight 16 at effective priority 0.
     */
    public long waitingWeight() {
        return waitingWeight(effectivePriority);
    }

    static long waitingWeight(double effectivePriority) {
        double p = Math.max(0, Math.min(PRIORITY_CAP, effectivePriority));
        return Math.round(16 * Math.pow(2, p / 10));
    }

    public boolean movedFromCurrentOffer() {
        return currentAgentId != null && (agent == null || !agent.id().equals(currentAgentId));
    }

    public String getId() { return id; }
    public String getChannel() { return channel; }
    public int getUnits() { return units; }
    public Map<String, Integer> getRequiredSkills() { return requiredSkills; }
    public String getLanguage() { return language; }
    public String getTeam() { return team; }
    public Set<String> getServedBy() { return servedBy; }
    public Set<String> getDeclinedBy() { return declinedBy; }
    public String getOnlyAgentId() { return onlyAgentId; }
    public String getPreferredAgentId() { return preferredAgentId; }
    public int getPriority() { return priority; }
    public double getEffectivePriority() { return effectivePriority; }
    public long getWaitedSeconds() { return waitedSeconds; }
    public String getIntent() { return intent; }
    public String getCurrentAgentId() { return currentAgentId; }
    public List<PlanAgent> getEligibleAgents() { return eligibleAgents; }
    public boolean isPinned() { return pinned; }
    public PlanAgent getAgent() { return agent; }
    public void setAgent(PlanAgent agent) { this.agent = agent; }

    @Override
    public String toString() {
        return id + "->" + (agent == null ? "waiting" : agent.id());
    }
}
