package io.convrouter.conversation;

import java.util.Locale;

/** Where a conversation stands. */
public enum ConversationStatus {
    /** Waiting for an agent. */
    QUEUED,
    /** Offered to an agent, who has not accepted yet; the agent's capacity is held for it. */
    OFFERED,
    /** Held by an agent. */
    ASSIGNED,
    /** Handled by the bot (the plan said bot first, or the queue diverted it). */
    BOT,
    /** Outside business hours: the customer left a message for when the queue opens. */
    MESSAGE,
    /** Waiting for a call back (outside hours, or the wait was too long). */
    CALLBACK,
    /** Finished with an outcome. */
    CLOSED,
    /** The customer left before it was closed. */
    ABANDONED,
    /** Nobody needs to answer it (comment noise such as emoji or "666"); recorded, never queued. */
    DROPPED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == CLOSED || this == ABANDONED || this == DROPPED;
    }

    /** Parked away from the agents' queue: with the bot, a message, or a call back. */
    public boolean isParked() {
        return this == BOT || this == MESSAGE || this == CALLBACK;
    }
}
