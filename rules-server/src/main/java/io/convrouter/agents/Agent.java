package io.convrouter.agents;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * An agent as the router sees it: profile (skills with levels, languages, teams, capacity per
 * channel), presence, and current load. {@code active} lists the conversations the agent holds;
 * {@code load} counts them per channel.
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
        Instant lastFreedAt) {

    public record ActiveConversation(String conversationId, String channel, Instant since) {}

    public Agent {
        skills = Map.copyOf(skills);
        languages = Set.copyOf(languages);
        teams = Set.copyOf(teams);
        capacity = Map.copyOf(capacity);
        load = Map.copyOf(load);
        active = List.copyOf(active);
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

    /** Load over capacity on this channel; 1.0 when the channel is full or not served. */
    public double loadRatio(String channel) {
        int cap = capacityFor(channel);
        return cap == 0 ? 1.0 : (double) loadOn(channel) / cap;
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
