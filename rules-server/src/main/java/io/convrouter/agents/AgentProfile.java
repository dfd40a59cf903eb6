package io.convrouter.agents;

import java.util.Map;
import java.util.Set;

/** What an integration registers for an agent: everything but presence and load. */
public record AgentProfile(String id, String name, Map<String, Integer> skills, Set<String> languages,
                           Set<String> teams, Map<String, Integer> capacity, Set<String> queues, Integer maxUnits) {
    public AgentProfile {
        skills = skills == null ? Map.of() : Map.copyOf(skills);
        languages = languages == null ? Set.of() : Set.copyOf(languages);
        teams = teams == null ? Set.of() : Set.copyOf(teams);
        capacity = capacity == null ? Map.of() : Map.copyOf(capacity);
        queues = queues == null ? Set.of() : Set.copyOf(queues);
    }

    public AgentProfile(String id, String name, Map<String, Integer> skills, Set<String> languages, Set<String> teams,
                        Map<String, Integer> capacity) {
        this(id, name, skills, languages, teams, capacity, Set.of(), null);
    }

    public AgentProfile withMaxUnits(int units) {
        return new AgentProfile(id, name, skills, languages, teams, capacity, queues, units);
    }
}
