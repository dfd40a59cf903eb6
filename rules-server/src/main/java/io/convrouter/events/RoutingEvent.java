package io.convrouter.events;

import java.time.Instant;
import java.util.Map;

/**
 * A change in where a conversation stands (or a queue alert), as integrations receive it by
 * webhook. {@code type} is one of the constants below; {@code data} carries what the type needs
 * (queue, reason, wait...).
 */
public record RoutingEvent(String type, String conversationId, String agentId, Instant at, Map<String, Object> data) {

    public static final String QUEUED = "conversation.queued";
    public static final String OFFERED = "conversation.offered";
    public static final String ACCEPTED = "conversation.accepted";
    public static final String REJECTED = "conversation.rejected";
    public static final String TIMED_OUT = "conversation.offer_timed_out";
    /** The rebalancer took an offer back from the agent (to the queue, or to offer it to another agent). */
    public static final String OFFER_REVOKED = "conversation.offer_revoked";
    public static final String RECLAIMED = "conversation.reclaimed";
    public static final String RELAXED = "conversation.relaxed";
    public static final String OVERFLOWED = "conversation.overflowed";
    public static final String HANDED_OFF = "conversation.handed_off";
    public static final String ABANDONED = "conversation.abandoned";
    public static final String CLOSED = "conversation.closed";
    public static final String QUEUE_WAIT_ALERT = "queue.wait_alert";

    public RoutingEvent {
        // Values may be null (an agent not yet known); Map.copyOf would refuse them.
        data = data == null ? Map.of() : java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(data));
    }
}
