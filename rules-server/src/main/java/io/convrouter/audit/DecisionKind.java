package io.convrouter.audit;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a decision record is about. */
public enum DecisionKind {
    /** A new conversation was classified and dispatched (assigned, queued or sent to the bot). */
    ROUTED,
    /** A waiting conversation was assigned when an agent became free. */
    ASSIGNED,
    /** The conversation was closed by its agent with an outcome. */
    CLOSED,
    /** The customer left. */
    ABANDONED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
