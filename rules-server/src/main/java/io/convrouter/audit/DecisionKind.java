package io.convrouter.audit;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** What a decision record is about. */
public enum DecisionKind {
    /** A new conversation was classified and dispatched (assigned, queued or sent to the bot). */
    ROUTED,
    /** A waiting conversation was assigned when an agent became free (or a timer changed what it needs). */
    ASSIGNED,
    /** A conversation was offered to an agent, who must accept it in time. */
    OFFERED,
    /** The agent accepted the offer. */
    ACCEPTED,
    /** The agent rejected the offer; the conversation was routed again. */
    REJECTED,
    /** The agent let the offer time out; the conversation was routed again. */
    TIMED_OUT,
    /** The agent sent no first reply in time; the conversation was taken back and routed again. */
    RECLAIMED,
    /** What the conversation needs changed as it waited: a relaxation step, the end of a sticky window, overflow. */
    RELAXED,
    /** The bot handed the conversation to a human; it was classified again with what the bot learned. */
    HANDED_OFF,
    /** The rebalancer moved a waiting or offered conversation to an agent, as part of a global plan. */
    REBALANCED,
    /** The agent let too many offers time out and was set away. */
    AGENT_SET_AWAY,
    /** The conversation was closed by its agent with an outcome. */
    CLOSED,
    /** The customer left. */
    ABANDONED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
