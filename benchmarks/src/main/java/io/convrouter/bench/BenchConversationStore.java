package io.convrouter.bench;

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
 * An in-memory {@link ConversationStore} for benchmarks, with the MongoDB store's conditional
 * status changes (each change only from the status, and agent, it expects).
 */
final class BenchConversationStore implements ConversationStore {
    private final Map<String, ConversationRecord> byId = new LinkedHashMap<>();
    private final Map<String, String> byExternalId = new HashMap<>();

    @Override
    public synchronized Optional<ConversationRecord> insertIfAbsent(ConversationRecord c) {
        String existing = byExternalId.putIfAbsent(c.channel() + '\u0000' + c.externalId(), c.id());
        if (existing != null) {
            return Optional.of(byId.get(existing));
        }
        byId.put(c.id(), c);
        return Optional.empty();
    }

    @Override
    public synchronized Optional<ConversationRecord> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<ConversationRecord> findByExternalId(String channel, String externalId) {
        return Optional.ofNullable(byExternalId.get(channel + '\u0000' + externalId)).map(byId::get);
    }

    @Override
    public synchronized boolean markAssigned(String id, String agentId, Instant at) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != ConversationStatus.QUEUED) {
            return false;
        }
        byId.put(id, c.assigned(agentId, at));
        return true;
    }

    @Override
    public synchronized boolean markOffered(String id, String agentId, Instant at, Instant expiresAt) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != ConversationStatus.QUEUED) {
            return false;
        }
        byId.put(id, c.offered(agentId, at, expiresAt));
        return true;
    }

    @Override
    public synchronized Optional<ConversationRecord> markAccepted(String id, String agentId, Instant at) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != ConversationStatus.OFFERED || !agentId.equals(c.agentId())) {
            return Optional.empty();
        }
        ConversationRecord accepted = c.assigned(agentId, at);
        byId.put(id, accepted);
        return Optional.of(accepted);
    }

    @Override
    public synchronized Optional<ConversationRecord> markDeclined(String id, ConversationStatus expected, String agentId) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != expected || !agentId.equals(c.agentId())) {
            return Optional.empty();
        }
        ConversationRecord back = c.declinedBy(agentId);
        byId.put(id, back);
        return Optional.of(back);
    }

    @Override
    public synchronized Optional<ConversationRecord> markOfferRevoked(String id, String agentId) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != ConversationStatus.OFFERED || !agentId.equals(c.agentId())) {
            return Optional.empty();
        }
        ConversationRecord.Progress p = c.progress();
        ConversationRecord back = c.with(ConversationStatus.QUEUED, null, null, new ConversationRecord.Progress(
                p.queuedAt(), null, null, null, null, p.declinedBy(), p.reroutes()));
        byId.put(id, back);
        return Optional.of(back);
    }

    @Override
    public synchronized Optional<ConversationRecord> markFirstReply(String id, String agentId, Instant at) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != ConversationStatus.ASSIGNED || !agentId.equals(c.agentId())) {
            return Optional.empty();
        }
        ConversationRecord.Progress p = c.progress();
        ConversationRecord replied = c.with(c.status(), c.agentId(), c.assignedAt(), new ConversationRecord.Progress(
                p.queuedAt(), p.offeredAt(), p.offerExpiresAt(), p.acceptedAt(), at, p.declinedBy(), p.reroutes()));
        byId.put(id, replied);
        return Optional.of(replied);
    }

    @Override
    public synchronized Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected,
                                                                Classification.Plan plan, String rulesetVersion,
                                                                Instant at) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != expected) {
            return Optional.empty();
        }
        ConversationRecord.Progress p = c.progress();
        ConversationRecord handed = c.withPlan(plan, rulesetVersion).with(ConversationStatus.QUEUED, null, null,
                new ConversationRecord.Progress(at, null, null, null, null, p.declinedBy(), p.reroutes()));
        byId.put(id, handed);
        return Optional.of(handed);
    }

    @Override
    public synchronized List<ConversationRecord> findOffered() {
        return byId.values().stream().filter(c -> c.status() == ConversationStatus.OFFERED).toList();
    }

    @Override
    public synchronized boolean markRequeued(String id, String agentId) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != ConversationStatus.ASSIGNED || !agentId.equals(c.agentId())) {
            return false;
        }
        byId.put(id, c.with(ConversationStatus.QUEUED, null, null, c.progress()));
        return true;
    }

    @Override
    public synchronized Optional<ConversationRecord> markEnded(String id, ConversationStatus expected,
                                                            ConversationStatus finalStatus, Instant at,
                                                            Outcome outcome, Integer satisfaction) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != expected) {
            return Optional.empty();
        }
        ConversationRecord ended = c.ended(finalStatus, at, outcome, satisfaction);
        byId.put(id, ended);
        return Optional.of(ended);
    }

    @Override
    public synchronized List<ConversationRecord> findQueued() {
        return byId.values().stream().filter(c -> c.status() == ConversationStatus.QUEUED).toList();
    }

    @Override
    public synchronized List<ConversationRecord> findAssigned() {
        return byId.values().stream().filter(c -> c.status() == ConversationStatus.ASSIGNED).toList();
    }
}
