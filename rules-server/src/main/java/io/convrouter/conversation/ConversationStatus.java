package io.convrouter.conversation;

import java.util.Locale;

/** Where a conversation stands. */
public enum ConversationStatus {
    /** Waiting for an agent. */
    QUEUED,
    /** Held by an agent. */
    ASSIGNED,
    /** Handled by the bot (the plan said bot first). */
    BOT,
    /** Finished with an outcome. */
    CLOSED,
    /** The customer left before it was closed. */
    ABANDONED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public boolean isFinal() {
        return this == CLOSED || this == ABANDONED;
    }
}
