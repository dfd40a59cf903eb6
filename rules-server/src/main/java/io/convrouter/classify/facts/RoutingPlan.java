package io.convrouter.classify.facts;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What the rules decide for one conversation. Rules fill it; the dispatcher reads it.
 *
 * <p>Setters overwrite (a later rule wins); {@link #requireSkill} and {@link #raisePriority}
 * combine, so the order of rules that add skills or raise priority does not matter.
 */
public final class RoutingPlan {
    public static final int MIN_PRIORITY = 0;
    public static final int MAX_PRIORITY = 100;

    private String intent;
    private String queue;
    private final Map<String, Integer> requiredSkills = new LinkedHashMap<>();
    private String language;
    private String team;
    private int priority;
    private int slaSeconds;
    private boolean botFirst;
    private boolean dropped;
    private String preferredAgentId;

    public RoutingPlan(String defaultQueue, int defaultPriority, int defaultSlaSeconds, String language) {
        this.queue = defaultQueue;
        this.priority = clamp(defaultPriority);
        this.slaSeconds = defaultSlaSeconds;
        this.language = language;
    }

    /** Require a skill at a minimum level; if already required, keep the higher level. */
    public void requireSkill(String skill, int minLevel) {
        requiredSkills.merge(skill, minLevel, Math::max);
    }

    /**
     * Require several skills written as a decision-table cell: {@code "refund 3"},
     * {@code "refund 3, shipping 2"} or {@code "refund:3"}; a skill without a level needs level 1.
     */
    public void requireSkills(String spec) {
        for (SkillRequirement r : SkillRequirement.parseAll(spec)) {
            requireSkill(r.skill(), r.minLevel());
        }
    }

    /** No skills required (e.g. the bot takes the conversation). */
    public void clearSkills() {
        requiredSkills.clear();
    }

    public void dropSkill(String skill) {
        requiredSkills.remove(skill);
    }

    /** Raise priority to at least this value (0-100); never lowers it. */
    public void raisePriority(int atLeast) {
        priority = Math.max(priority, clamp(atLeast));
    }

    /** Tighten the SLA target to at most this many seconds; never loosens it. */
    public void tightenSla(int atMostSeconds) {
        slaSeconds = slaSeconds <= 0 ? atMostSeconds : Math.min(slaSeconds, atMostSeconds);
    }

    private static int clamp(int p) {
        return Math.max(MIN_PRIORITY, Math.min(MAX_PRIORITY, p));
    }

    public String getIntent() { return intent; }
    public void setIntent(String intent) { this.intent = intent; }
    public String getQueue() { return queue; }
    public void setQueue(String queue) { this.queue = queue; }
    public Map<String, Integer> getRequiredSkills() { return Collections.unmodifiableMap(requiredSkills); }
    public String getLanguage() { return language; }
    public void setLanguage(String language) { this.language = language; }
    public String getTeam() { return team; }
    public void setTeam(String team) { this.team = team; }
    public int getPriority() { return priority; }
    public void setPriority(int priority) { this.priority = clamp(priority); }
    public int getSlaSeconds() { return slaSeconds; }
    public void setSlaSeconds(int slaSeconds) { this.slaSeconds = slaSeconds; }
    public boolean isBotFirst() { return botFirst; }
    public void setBotFirst(boolean botFirst) { this.botFirst = botFirst; }
    public String getPreferredAgentId() { return preferredAgentId; }
    /** Nobody needs to answer this (comment noise): it is recorded and dropped, never queued. */
    public boolean isDropped() { return dropped; }
    public void setDropped(boolean dropped) { this.dropped = dropped; }
    public void setPreferredAgentId(String preferredAgentId) { this.preferredAgentId = preferredAgentId; }

    public boolean hasIntent() {
        return intent != null;
    }

    @Override
    public String toString() {
        return "RoutingPlan[intent=" + intent + ", queue=" + queue + ", skills=" + requiredSkills
                + ", priority=" + priority + ", bot=" + botFirst + "]";
    }
}
