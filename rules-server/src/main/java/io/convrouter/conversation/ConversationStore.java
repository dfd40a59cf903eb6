package io.convrouter.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** Where conversations live. Status changes are conditional, so no conversation is assigned twice. */
public interface ConversationStore {

    /**
     * Stores a new conversation unless one with the same channel and external id exists;
     * returns the existing one in that case.
     */
    Optional<ConversationRecord> insertIfAbsent(ConversationRecord conversation);

    Optional<ConversationRecord> find(String id);

    Optional<ConversationRecord> findByExternalId(String channel, String externalId);

    /** QUEUED to ASSIGNED, only if still queued. */
    boolean markAssigned(String id, String agentId, Instant at);

    /** ASSIGNED back to QUEUED (the assignment could not be completed). */
    boolean markRequeued(String id, String agentId);

    /** To CLOSED or ABANDONED from the given status only. */
    Optional<ConversationRecord> markEnded(String id, ConversationStatus expected, ConversationStatus finalStatus,
                                           Instant at, Outcome outcome, Integer satisfaction);

    /** Every conversation waiting for an agent, for rebuilding the queue at start. */
    List<ConversationRecord> findQueued();

    /** Every conversation held by an agent, for reconciling agent load at start. */
    List<ConversationRecord> findAssigned();
}
