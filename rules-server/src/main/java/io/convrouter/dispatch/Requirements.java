package io.convrouter.dispatch;

import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;

/**
 * What an agent must offer to take a conversation right now: the plan's needs after any
 * relaxation steps reached, minus the agents who declined it, limited to the preferred agent
 * while the sticky window is open, and widened to borrowed queues' agents during overflow.
 *
 * @param servedBy the queues whose agents may take it (its own, plus healthy queues it overflows to)
 * @param units    the weighted capacity it takes of an agent, in milli-units
 */
public record Requirements(String queue, String channel, int units, Map<String, Integer> skills, String language,
                           String team, Set<String> excluded, String onlyAgent, Set<String> servedBy) {
    public Requirements {
        skills = skills == null ? Map.of() : Map.copyOf(skills);
        excluded = excluded == null ? Set.of() : Set.copyOf(excluded);
        // Insertion order (own queue first), so reasons that list these read the same on every run.
        servedBy = servedBy == null ? Set.of() : Collections.unmodifiableSet(new LinkedHashSet<>(servedBy));
    }
}
