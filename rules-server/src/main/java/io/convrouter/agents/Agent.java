package io.convrouter.agents;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent as the router sees it: profile (skills with levels, languages, teams, capacity per
 * channel, queues served), presence, and current load. {@code active} lists the conversations the
 * agent holds; {@code load} counts them per channel; {@code unitsUsed} weighs them by channel
 * (milli-units: a chat 1000, an email 500, a phone call all of {@code maxUnits}).
 *
 * @param queues         the queues the agent serves; empty means any queue its skills fit
 * @param wrapUpUntil    after closing a conversation, no new work until then
 * @param lastAssignedAt when the agent last got a conversation (round robin)
 * @param offerTimeouts  offers in a row the agent let time out
 */
public record Agent(
        String id,
        String name,
        Map<String, Integer> skills,
        Set<String> languages,
        Set<String> teams,
        Map<String, Integer> capacity,
        Presence presence,
        Map<String, Integer> load,
        List<ActiveConversation> active,
        Instant presenceSince,
        Instant lastFreedAt,
        int unitsUsed,
        int maxUnits,
        Instant wrapUpUntil,
        Instant lastAssignedAt,
        int offerTimeouts,
        Set<String> queues) {

    /** Units with no weighting: the first routing path's per-channel capacity alone decides. */
    public static final int UNLIMITED_UNITS = Integer.MAX_VALUE / 2;

    public record ActiveConversation(String conversationId, String channel, Instant since, int units) {
        public ActiveConversation(String conversationId, String channel, Instant since) {
            this(conversationId, channel, since, 0);
        }
    }

    public Agent {
        skills = Map.copyOf(skills);
        languages = Set.copyOf(languages);
        teams = Set.copyOf(teams);
        capacity = Map.copyOf(capacity);
        load = Map.copyOf(load);
        active = List.copyOf(active);
        queues = queues == null ? Set.of() : Set.copyOf(queues);
    }

    /** An agent without weighted units, wrap-up or queue membership (as before weighting existed). */
    public Agent(String id, String name, Map<String, Integer> skills, Set<String> languages, Set<String> teams,
                 Map<String, Integer> capacity, Presence presence, Map<String, Integer> load,
                 List<ActiveConversation> active, Instant presenceSince, Instant lastFreedAt) {
        this(id, name, skills, languages, teams, capacity, presence, load, active, presenceSince, lastFreedAt, 0,
                UNLIMITED_UNITS, null, null, 0, Set.of());
    }

    /** True when units are left for a conversation weighing {@code units}. */
    public boolean hasUnitsFor(int units) {
        return unitsUsed + units <= maxUnits;
    }

    /** True while wrapping up the last conversation. */
    public boolean wrappingUpAt(Instant now) {
        return wrapUpUntil != null && now.isBefore(wrapUpUntil);
    }

    /** True when the agent serves the queue (an agent with no queues serves every queue). */
    public boolean serves(String queue) {
        return queues.isEmpty() || queue == null || queues.contains(queue);
    }

    public int capacityFor(String channel) {
        return capacity.getOrDefault(channel, 0);
    }

    public int loadOn(String channel) {
        return load.getOrDefault(channel, 0);
    }

    public boolean hasSpareCapacity(String channel) {
        return loadOn(channel) < capacityFor(channel);
    }

    public int totalLoad() {
        return active.size();
    }

    /**
     * How busy the agent is for a conversation on this channel, 0-1: the larger of the channel's
     * load over its capacity and the weighted units used over the agent's total.
     */
    public double loadRatio(String channel) {
        int cap = capacityFor(channel);
        double channelRatio = cap == 0 ? 1.0 : (double) loadOn(channel) / cap;
        double unitRatio = maxUnits <= 0 || maxUnits >= UNLIMITED_UNITS ? 0 : (double) unitsUsed / maxUnits;
        return Math.max(channelRatio, unitRatio);
    }

    /** When the agent last became free of work: the moment to measure idle time from. */
    public Instant idleSince() {
        if (lastFreedAt == null) {
            return presenceSince;
        }
        return presenceSince == null || lastFreedAt.isAfter(presenceSince) ? lastFreedAt : presenceSince;
    }

    public boolean holds(String conversationId) {
        return active.stream().anyMatch(a -> a.conversationId().equals(conversationId));
    }

    /** A copy with every channel in capacity present in the load map (0 when idle there). */
    public static Map<String, Integer> zeroLoad(Map<String, Integer> capacity) {
        Map<String, Integer> load = new LinkedHashMap<>();
        capacity.keySet().forEach(ch -> load.put(ch, 0));
        return load;
    }
}
