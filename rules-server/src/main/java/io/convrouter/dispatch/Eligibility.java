package io.convrouter.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;

/**
 * Whether an agent may take a conversation now, and if not, every reason why not, in words an
 * auditor or a supervisor can read.
 */
public final class Eligibility {

    /** The reason given while the sticky window keeps a conversation for its preferred agent. */
    static final String STICKY_REASON = "waiting for the preferred agent";

    private Eligibility() {}

    /** The allocation-free check the matcher runs for every agent; agrees with {@link #reasonsToExclude}. */
    public static boolean isEligible(Agent agent, Requirements r, Instant now) {
        if (agent.presence() != Presence.ONLINE || agent.wrappingUpAt(now) || !agent.hasSpareCapacity(r.channel())
                || !agent.hasUnitsFor(r.units())) {
            return false;
        }
        if (r.onlyAgent() != null && !r.onlyAgent().equals(agent.id())) {
            return false;
        }
        if (r.excluded().contains(agent.id()) || !servesAny(agent, r)) {
            return false;
        }
        for (Map.Entry<String, Integer> need : r.skills().entrySet()) {
            Integer level = agent.skills().get(need.getKey());
            if (level == null || level < need.getValue()) {
                return false;
            }
        }
        return (r.language() == null || speaks(agent, r.language()))
                && (r.team() == null || agent.teams().contains(r.team()));
    }

    /** Empty when the agent is eligible. */
    public static List<String> reasonsToExclude(Agent agent, Requirements r, Instant now) {
        List<String> reasons = new ArrayList<>(2);
        checkExclusions(agent, r, now, reasons);
        return reasons;
    }

    /**
     * How many reasons {@link #reasonsToExclude} would give, without building their words: the
     * dispatcher ranks every excluded agent by it and writes the words only for the closest misses
     * the decision log keeps.
     */
    static int countReasonsToExclude(Agent agent, Requirements r, Instant now) {
        return checkExclusions(agent, r, now, null);
    }

    /** Whether one of the reasons is the sticky window ({@link #STICKY_REASON}): it passes as the wait grows. */
    static boolean waitsForAnotherAgent(Agent agent, Requirements r) {
        return r.onlyAgent() != null && !r.onlyAgent().equals(agent.id());
    }

    /** Every exclusion check once: counts the reasons, and writes them into {@code words} when given. */
    private static int checkExclusions(Agent agent, Requirements r, Instant now, List<String> words) {
        int count = 0;
        if (agent.presence() != Presence.ONLINE) {
            count++;
            if (words != null) words.add("agent is " + agent.presence().wireName());
        } else if (agent.wrappingUpAt(now)) {
            count++;
            if (words != null) words.add("wrapping up until " + agent.wrapUpUntil());
        }
        if (waitsForAnotherAgent(agent, r)) {
            count++;
            if (words != null) words.add(STICKY_REASON + " " + r.onlyAgent());
        }
        if (r.excluded().contains(agent.id())) {
            count++;
            if (words != null) words.add("declined or let this conversation time out before");
        }
        if (!servesAny(agent, r)) {
            count++;
            if (words != null) {
                words.add("does not serve queue " + r.queue() + (r.servedBy().size() > 1 ? " (or " + r.servedBy() + ")" : ""));
            }
        }
        int capacity = agent.capacityFor(r.channel());
        if (capacity == 0) {
            count++;
            if (words != null) words.add("does not serve channel " + r.channel());
        } else if (agent.loadOn(r.channel()) >= capacity) {
            count++;
            if (words != null) {
                words.add("at capacity on " + r.channel() + " (" + agent.loadOn(r.channel()) + "/" + capacity + ")");
            }
        } else if (!agent.hasUnitsFor(r.units())) {
            count++;
            if (words != null) {
                words.add("weighted capacity used (" + agent.unitsUsed() + "/" + agent.maxUnits() + " units, needs "
                        + r.units() + ")");
            }
        }
        for (Map.Entry<String, Integer> need : r.skills().entrySet()) {
            Integer level = agent.skills().get(need.getKey());
            if (level == null) {
                count++;
                if (words != null) words.add("lacks skill " + need.getKey() + " (needs level " + need.getValue() + ")");
            } else if (level < need.getValue()) {
                count++;
                if (words != null) words.add("skill " + need.getKey() + " at level " + level + ", needs " + need.getValue());
            }
        }
        if (r.language() != null && !speaks(agent, r.language())) {
            count++;
            if (words != null) words.add("does not speak " + r.language());
        }
        if (r.team() != null && !agent.teams().contains(r.team())) {
            count++;
            if (words != null) words.add("not in team " + r.team());
        }
        return count;
    }

    /**
     * Whether the agent could ever take the conversation, whatever its presence, wrap-up and current
     * load: it serves the channel and the queue, has room for its weight, and meets the skills,
     * language and team. Declines and the sticky window are not considered.
     */
    static boolean couldServe(Agent agent, Requirements r) {
        if (agent.capacityFor(r.channel()) <= 0 || agent.maxUnits() < r.units() || !servesAny(agent, r)) {
            return false;
        }
        for (Map.Entry<String, Integer> need : r.skills().entrySet()) {
            Integer level = agent.skills().get(need.getKey());
            if (level == null || level < need.getValue()) {
                return false;
            }
        }
        return (r.language() == null || speaks(agent, r.language()))
                && (r.team() == null || agent.teams().contains(r.team()));
    }

    /** Whether the agent serves the conversation's queue or one it may borrow from (no queues: serves all). */
    static boolean servesAny(Agent agent, Requirements r) {
        if (agent.queues().isEmpty() || r.servedBy().isEmpty()) {
            return true;
        }
        for (String q : r.servedBy()) {
            if (agent.queues().contains(q)) {
                return true;
            }
        }
        return false;
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
