package io.convrouter.agents;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/** An agent as the API returns it, with current load per channel and the conversations it holds. */
public record AgentView(String id, String name, Map<String, Integer> skills, Set<String> languages, Set<String> teams,
                        Map<String, Integer> capacity, String status, Map<String, Integer> load, int totalLoad,
                        List<String> conversations, Instant statusSince, Instant lastFreedAt, Set<String> queues,
                        Integer unitsUsed, Integer maxUnits, Instant wrapUpUntil, int offerTimeouts) {

    public static AgentView of(Agent a) {
        boolean weighted = a.maxUnits() < Agent.UNLIMITED_UNITS;
        TreeMap<String, Integer> load = new TreeMap<>(a.load());
        return new AgentView(a.id(), a.name(), new TreeMap<>(a.skills()), new TreeSet<>(a.languages()),
                new TreeSet<>(a.teams()), new TreeMap<>(a.capacity()), a.presence().wireName(), load,
                a.totalLoad(), a.active().stream().map(Agent.ActiveConversation::conversationId).toList(),
                a.presenceSince(), a.lastFreedAt(), new TreeSet<>(a.queues()), weighted ? a.unitsUsed() : null,
                weighted ? a.maxUnits() : null, a.wrapUpUntil(), a.offerTimeouts());
    }
}
