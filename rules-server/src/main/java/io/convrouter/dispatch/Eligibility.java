package io.convrouter.dispatch;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;
import io.convrouter.classify.Classification;

/**
 * Whether an agent may take a conversation, and if not, every reason why not, in words an
 * auditor or a supervisor can read.
 */
public final class Eligibility {

    private Eligibility() {}

    /** The allocation-free check the matcher runs for every agent; agrees with {@link #reasonsToExclude}. */
    public static boolean isEligible(Agent agent, String channel, Classification.Plan plan) {
        if (agent.presence() != Presence.ONLINE || !agent.hasSpareCapacity(channel)) {
            return false;
        }
        for (Map.Entry<String, Integer> need : plan.requiredSkills().entrySet()) {
            Integer level = agent.skills().get(need.getKey());
            if (level == null || level < need.getValue()) {
                return false;
            }
        }
        return (plan.language() == null || speaks(agent, plan.language()))
                && (plan.team() == null || agent.teams().contains(plan.team()));
    }

    /** Empty when the agent is eligible. */
    public static List<String> reasonsToExclude(Agent agent, String channel, Classification.Plan plan) {
        List<String> reasons = new ArrayList<>(2);
        if (agent.presence() != Presence.ONLINE) {
            reasons.add("agent is " + agent.presence().wireName());
        }
        int capacity = agent.capacityFor(channel);
        if (capacity == 0) {
            reasons.add("does not serve channel " + channel);
        } else if (agent.loadOn(channel) >= capacity) {
            reasons.add("at capacity on " + channel + " (" + agent.loadOn(channel) + "/" + capacity + ")");
        }
        for (Map.Entry<String, Integer> need : plan.requiredSkills().entrySet()) {
            Integer level = agent.skills().get(need.getKey());
            if (level == null) {
                reasons.add("lacks skill " + need.getKey() + " (needs level " + need.getValue() + ")");
            } else if (level < need.getValue()) {
                reasons.add("skill " + need.getKey() + " at level " + level + ", needs " + need.getValue());
            }
        }
        if (plan.language() != null && !speaks(agent, plan.language())) {
            reasons.add("does not speak " + plan.language());
        }
        if (plan.team() != null && !agent.teams().contains(plan.team())) {
            reasons.add("not in team " + plan.team());
        }
        return reasons;
    }

    /** Languages match on their primary subtag: an agent who speaks "zh" serves "zh-CN". */
    static boolean speaks(Agent agent, String language) {
        String wanted = primary(language);
        for (String l : agent.languages()) {
            if (primary(l).equals(wanted)) {
                return true;
            }
        }
        return false;
    }

    private static String primary(String tag) {
        int dash = tag.indexOf('-');
        return (dash < 0 ? tag : tag.substring(0, dash)).toLowerCase(Locale.ROOT);
    }
}
