package io.convrouter.store.memory;

import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.conversation.Outcome;

/**
 * Conversations in memory, with the same conditional status changes as the MongoDB store (each
 * only from the status, and agent, it expects) and the same idempotent intake on channel and
 * external id. For the simulator and benchmarks; nothing survives the process. Thread-safe.
 */
public final class MemoryConversationStore implements ConversationStore {
    /** In insertion order, so the finders list conversations as they arrived. */
    private final Map<String, ConversationRecord> byId = new LinkedHashMap<>();
    private final Map<String, String> idByExternalId = new HashMap<>();

    private static String key(String channel, String externalId) {
        return channel + '\u0000' + externalId;
    }

    /** Stores the conversation exactly as given, replacing any with the same id. */
    public synchronized void put(ConversationRecord c) {
        ConversationRecord before = byId.put(c.id(), c);
        if (before != null) {
            idByExternalId.remove(key(before.channel(), before.externalId()));
        }
        idByExternalId.put(key(c.channel(), c.externalId()), c.id());
    }

    public synchronized int size() {
        return byId.size();
    }

    @Override
    public synchronized Optional<ConversationRecord> insertIfAbsent(ConversationRecord c) {
        String existing = idByExternalId.get(key(c.channel(), c.externalId()));
        if (existing != null) {
            return Optional.of(byId.get(existing));
        }
        put(c);
        return Optional.empty();
    }

    @Override
    public synchronized Optional<ConversationRecord> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<ConversationRecord> findByExternalId(String channel, String externalId) {
        String id = idByExternalId.get(key(channel, externalId));
        return id == null ? Optional.empty() : Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized boolean markAssigned(String id, String agentId, Instant at) {
        ConversationRecord c = withStatus(id, ConversationStatus.QUEUED, null);
        if (c == null) {
            return false;
        }
        byId.put(id, c.with(ConversationStatus.ASSIGNED, agentId, at, c.progress()));
        return true;
    }

    @Override
    public synchronized boolean markOffered(String id, String agentId, Instant at, Instant expiresAt) {
        ConversationRecord c = withStatus(id, ConversationStatus.QUEUED, null);
        if (c == null) {
            return false;
        }
        ConversationRecord.Progress p = c.progress();
        byId.put(id, c.with(ConversationStatus.OFFERED, agentId, c.assignedAt(), new ConversationRecord.Progress(
                p.queuedAt(), at, expiresAt, p.acceptedAt(), p.firstReplyAt(), p.declinedBy(), p.reroutes())));
        return true;
    }

    @Override
    public synchronized Optional<ConversationRecord> markAccepted(String id, String agentId, Instant at) {
        ConversationRecord c = withStatus(id, ConversationStatus.OFFERED, agentId);
        if (c == null) {
            return Optional.empty();
        }
        ConversationRecord.Progress p = c.progress();
        return store(c.with(ConversationStatus.ASSIGNED, agentId, at, new ConversationRecord.Progress(p.queuedAt(),
                p.offeredAt(), null, at, p.firstReplyAt(), p.declinedBy(), p.reroutes())));
    }

    @Override
    public synchronized Optional<ConversationRecord> markDeclined(String id, ConversationStatus expected, String agentId) {
        ConversationRecord c = withStatus(id, expected, agentId);
        return c == null ? Optional.empty() : store(c.declinedBy(agentId));
    }

    @Override
    public synchronized Optional<ConversationRecord> markOfferRevoked(String id, String agentId) {
        ConversationRecord c = withStatus(id, ConversationStatus.OFFERED, agentId);
        if (c == null) {
            return Optional.empty();
        }
        ConversationRecord.Progress p = c.progress();
        return store(c.with(ConversationStatus.QUEUED, null, c.assignedAt(), new ConversationRecord.Progress(
                p.queuedAt(), null, null, p.acceptedAt(), p.firstReplyAt(), p.declinedBy(), p.reroutes())));
    }

    @Override
    public synchronized Optional<ConversationRecord> markFirstReply(String id, String agentId, Instant at) {
        ConversationRecord c = withStatus(id, ConversationStatus.ASSIGNED, agentId);
        if (c == null) {
            return Optional.empty();
        }
        if (c.progress().firstReplyAt() != null) {
            return Optional.of(c); // the first reply is recorded once
        }
        ConversationRecord.Progress p = c.progress();
        return store(c.with(c.status(), c.agentId(), c.assignedAt(), new ConversationRecord.Progress(p.queuedAt(),
                p.offeredAt(), p.offerExpiresAt(), p.acceptedAt(), at, p.declinedBy(), p.reroutes())));
    }

    @Override
    public synchronized Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected,
                                                                   Classification.Plan plan, String rulesetVersion,
                                                                   Instant at) {
        return markHandedOff(id, expected, plan, rulesetVersion, at, null);
    }

    @Override
    public synchronized Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected,
                                                                   Classification.Plan plan, String rulesetVersion,
                                                                   Instant at, String strategy) {
        ConversationRecord c = withStatus(id, expected, null);
        if (c == null) {
            return Optional.empty();
        }
        ConversationRecord.Progress p = c.progress();
        ConversationRecord handed = c.withPlan(plan, rulesetVersion).with(ConversationStatus.QUEUED, c.agentId(),
                c.assignedAt(), new ConversationRecord.Progress(at, p.offeredAt(), p.offerExpiresAt(), p.acceptedAt(),
                        p.firstReplyAt(), p.declinedBy(), p.reroutes()));
        return store(strategy == null ? handed : handed.withStrategy(strategy));
    }

    @Override
    public synchronized List<ConversationRecord> findOffered() {
        return withStatus(ConversationStatus.OFFERED);
    }

    @Override
    public synchronized boolean markRequeued(String id, String agentId) {
        ConversationRecord c = withStatus(id, ConversationStatus.ASSIGNED, agentId);
        if (c == null) {
            return false;
        }
        byId.put(id, c.with(ConversationStatus.QUEUED, null, null, c.progress()));
        return true;
    }

    @Override
    public synchronized Optional<ConversationRecord> markEnded(String id, ConversationStatus expected,
                                                               ConversationStatus finalStatus, Instant at,
                                                               Outcome outcome, Integer satisfaction) {
        ConversationRecord c = withStatus(id, expected, null);
        return c == null ? Optional.empty() : store(c.ended(finalStatus, at, outcome, satisfaction));
    }

    @Override
    public synchronized List<ConversationRecord> findQueued() {
        return withStatus(ConversationStatus.QUEUED);
    }

    @Override
    public synchronized List<ConversationRecord> findAssigned() {
        return withStatus(ConversationStatus.ASSIGNED);
    }

    /** The conversation if it has the status (and, when given, the agent); otherwise null. */
    private ConversationRecord withStatus(String id, ConversationStatus status, String agentId) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != status || (agentId != null && !agentId.equals(c.agentId()))) {
            return null;
        }
        return c;
    }

    private Optional<ConversationRecord> store(ConversationRecord c) {
        byId.put(c.id(), c);
        return Optional.of(c);
    }

    private List<ConversationRecord> withStatus(ConversationStatus status) {
        return byId.values().stream().filter(c -> c.status() == status).toList();
    }
}
