package io.convrouter.rebalance;

import java.util.Map;
import java.util.Set;

import org.optaplanner.core.api.domain.entity.PlanningEntity;
import org.optaplanner.core.api.domain.lookup.PlanningId;
import org.optaplanner.core.api.domain.variable.PlanningVariable;

/**
 * A conversation the solver may place: waiting, or offered but not yet accepted. Its requirements
 * are those in force now (after any relaxation steps reached). {@code agent} is the planning
 * variable: null means it keeps waiting.
 *
 * @param currentAgentId the agent it is offered to now (null when waiting): moving it away costs stability
 */
@PlanningEntity
public class PlanConversation {
    @PlanningId
    private String id;
    private String channel;
    private int units;
    private Map<String, Integer> requiredSkills;
    private String language;
    private String team;
    private Set<String> servedBy;
    private Set<String> declinedBy;
    private String preferredAgentId;
    private int priority;
    private long waitedSeconds;
    private String intent;
    private String currentAgentId;

    @PlanningVariable(nullable = true)
    private PlanAgent agent;

    public PlanConversation() {
    }

    public PlanConversation(String id, String channel, int units, Map<String, Integer> requiredSkills, String language,
                            String team, Set<String> servedBy, Set<String> declinedBy, String preferredAgentId,
                            int priority, long waitedSeconds, String intent, String currentAgentId) {
        this.id = id;
        this.channel = channel;
        this.units = units;
        this.requiredSkills = Map.copyOf(requiredSkills);
        this.language = language;
        this.team = team;
        this.servedBy = Set.copyOf(servedBy);
        this.declinedBy = Set.copyOf(declinedBy);
        this.preferredAgentId = preferredAgentId;
        this.priority = priority;
        this.waitedSeconds = waitedSeconds;
        this.intent = intent;
        this.currentAgentId = currentAgentId;
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

    /** How much leaving it waiting hurts: priority, and time already waited, both count. */
    public long waitingWeight() {
        return (1L + priority) * (1L + waitedSeconds / 60);
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
    public String getPreferredAgentId() { return preferredAgentId; }
    public int getPriority() { return priority; }
    public long getWaitedSeconds() { return waitedSeconds; }
    public String getIntent() { return intent; }
    public String getCurrentAgentId() { return currentAgentId; }
    public PlanAgent getAgent() { return agent; }
    public void setAgent(PlanAgent agent) { this.agent = agent; }

    @Override
    public String toString() {
        return id + "->" + (agent == null ? "waiting" : agent.id());
    }
}
