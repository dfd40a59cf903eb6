package io.convrouter.audit;

import java.time.Instant;

/** Filters for listing decisions; null means "any". Pages are 0-based. */
public record DecisionQuery(Instant from, Instant to, String conversationId, String agentId, String rule,
                            String queue, int page, int size) {
    public static final int MAX_PAGE_SIZE = 500;
}
