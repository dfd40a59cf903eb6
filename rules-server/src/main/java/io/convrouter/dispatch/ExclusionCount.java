package io.convrouter.dispatch;

import java.time.Instant;
import java.util.Map;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;

/**
 * How many reasons {@link Eligibility#reasonsToExclude} would give, without building them: the
 * decision record orders excluded agents by that number and keeps only the closest misses, so the
 * words are built for those alone. Mirrors {@code reasonsToExclude} test by test (pinned by
 * ExclusionCountTest).
 */
final class ExclusionCount {

    private ExclusionCount() {}

    /** {@code Eligibility.reasonsToExclude(agent, r, now).size()}. */
    static int of(Agent agent, Requirements r, Instant now) {
        int count = 0;
        if (agent.presence() != Presence.ONLINE || agent.wrappingUpAt(now)) {
            count++;
        }
        if (waitsForAnother(agent, r)) {
            count++;
        }
        if (r.excluded().contains(agent.id())) {
            count++;
        }
        if (!Eligibility.servesAny(agent, r)) {
            count++;
        }
        int capacity = agent.capacityFor(r.channel());
        if (capacity == 0 || agent.loadOn(r.channel()) >= capacity || !agent.hasUnitsFor(r.units())) {
            count++;
        }
        for (Map.Entry<String, Integer> need : r.skills().entrySet()) {
            Integer level = agent.skills().get(need.getKey());
            if (level == null || level < need.getValue()) {
                count++;
            }
        }
        if (r.language() != null && !Eligibility.speaks(agent, r.language())) {
            count++;
        }
        if (r.team() != null && !agent.teams().contains(r.team())) {
            count++;
        }
        return count;
    }

    /** Whether one of those reasons is the sticky window ({@link Eligibility#STICKY_REASON}), which passes. */
    static boolean waitsForAnother(Agent agent, Requirements r) {
        return r.onlyAgent() != null && !r.onlyAgent().equals(agent.id());
    }
}
