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
                        List<String> conversations, Instant statusSince, Instant lastFreedAt) {

    public static AgentView of(Agent a) {
        return new AgentView(a.id(), a.name(), new TreeMap<>(a.skills()), new TreeSet<>(a.languages()),
                new TreeSet<>(a.teams()), new TreeMap<>(a.capacity()), a.presence().wireName(), new TreeMap<>(a.load()),
                a.totalLoad(), a.active().stream().map(Agent.ActiveConversation::conversationId).toList(),
                a.presenceSince(), a.lastFreedAt());
    }
}
