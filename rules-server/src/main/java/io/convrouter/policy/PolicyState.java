package io.convrouter.policy;

import java.time.Instant;
import java.util.List;

/**
 * Which version routes traffic, shared by every server instance: the active version, the ones
 * active before it (newest first, for rollback), and a running experiment if any. {@code revision}
 * grows with every change so instances can tell they are behind.
 */
public record PolicyState(String activeVersion, List<String> history, Experiment experiment, long revision,
                          Instant updatedAt) {

    public PolicyState {
        history = history == null ? List.of() : List.copyOf(history);
    }

    /** A share of traffic, chosen stably by customer, classified by a variant version. */
    public record Experiment(String id, String controlVersion, String variantVersion, double share, Instant startedAt,
                             String startedBy) {}
}
