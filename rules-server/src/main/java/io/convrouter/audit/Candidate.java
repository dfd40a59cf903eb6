package io.convrouter.audit;

import java.util.List;
import java.util.Map;

/**
 * One agent considered for a conversation: excluded (with every reason) or eligible (with the
 * score parts that ranked it). {@code rank} is 1 for the winner among eligible agents.
 */
public record Candidate(String agentId, boolean eligible, List<String> excludedBecause,
                        Map<String, Object> score, Integer rank) {
    public Candidate {
        excludedBecause = excludedBecause == null ? List.of() : List.copyOf(excludedBecause);
        score = score == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(score));
    }
}
