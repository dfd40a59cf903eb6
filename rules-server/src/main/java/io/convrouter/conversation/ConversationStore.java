package io.convrouter.conversation;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.convrouter.classify.Classification;

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

    /** QUEUED to OFFERED to the agent until {@code expiresAt}, only if still queued. */
    boolean markOffered(String id, String agentId, Instant at, Instant expiresAt);

    /** OFFERED to ASSIGNED, only if still offered to this agent. */
    Optional<ConversationRecord> markAccepted(String id, String agentId, Instant at);

    /**
     * OFFERED or ASSIGNED back to QUEUED, only if still with this agent: it declined, let the
     * offer time out, or never replied. The agent joins the conversation's declined list.
     */
    Optional<ConversationRecord> markDeclined(String id, ConversationStatus expected, String agentId);

    /**
     * OFFERED back to QUEUED without counting it against the agent (the rebalancer moves the offer
     * elsewhere), only if still offered to this agent.
     */
    Optional<ConversationRecord> markOfferRevoked(String id, String agentId);

    /** Records the agent's first reply to an assigned conversation (once). */
    Optional<ConversationRecord> markFirstReply(String id, String agentId, Instant at);

    /** A parked conversation (bot, message, call back) goes to the agents' queue with a new plan. */
    Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected, Classification.Plan plan,
                                               String rulesetVersion, Instant at);

    /**
     * As {@link #markHandedOff(String, ConversationStatus, Classification.Plan, String, Instant)}, also
     * recording the dispatch strategy of the queue it joins (for reports). Stores that do not keep
     * the strategy ignore it.
     */
    default Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected, Classification.Plan plan,
                                                       String rulesetVersion, Instant at, String strategy) {
        return markHandedOff(id, expected, plan, rulesetVersion, at);
    }

    /** Every conversation offered to an agent and not yet accepted, for restoring offer timers at start. */
    List<ConversationRecord> findOffered();

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
