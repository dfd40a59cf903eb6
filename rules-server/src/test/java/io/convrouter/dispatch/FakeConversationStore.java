package io.convrouter.dispatch;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.conversation.Outcome;

/**
 * An in-memory {@link ConversationStore} with the MongoDB store's conditional status changes:
 * QUEUED to ASSIGNED only while still queued, so a conversation is assigned at most once however
 * many dispatchers try. It counts successful assignments per conversation for the tests.
 */
final class FakeConversationStore implements ConversationStore {
    private final Map<String, ConversationRecord> byId = new LinkedHashMap<>();
    private final Map<String, String> byExternalId = new HashMap<>();
    private final Map<String, Integer> assignments = new HashMap<>();
    private final Map<String, Runnable> beforeNextMarkEnded = new HashMap<>();

    @Override
    public synchronized Optional<ConversationRecord> insertIfAbsent(ConversationRecord c) {
        String existing = byExternalId.get(key(c.channel(), c.externalId()));
        if (existing != null) {
            return Optional.of(byId.get(existing));
        }
        byId.put(c.id(), c);
        byExternalId.put(key(c.channel(), c.externalId()), c.id());
        return Optional.empty();
    }

    @Override
    public synchronized Optional<ConversationRecord> find(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    @Override
    public synchronized Optional<ConversationRecord> findByExternalId(String channel, String externalId) {
        return Optional.ofNullable(byExternalId.get(key(channel, externalId))).map(byId::get);
    }

    @Override
    public synchronized boolean markAssigned(String id, String agentId, Instant at) {
        ConversationRecord c = byId.get(id);
        if (c == null || c.status() != ConversationStatus.QUEUED) {
            return false;
        }
        byId.put(id, c.assigned(agentId, at));
        assignments.merge(id, 1, Integer::sum);
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
        assignments.merge(id, 1, Integer::sum);
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
        if (c.progress().firstReplyAt() != null) {
            return Optional.of(c);
        }
        ConversationRecord.Progress p = c.progress();
        ConversationRecord replied = c.with(c.status(), c.agentId(), c.assignedAt(), new ConversationRecord.Progress(
                p.queuedAt(), p.offeredAt(), p.offerExpiresAt(), p.acceptedAt(), at, p.declinedBy(), p.reroutes()));
        byId.put(id, replied);
        return Optional.of(replied);
    }

    @Override
    public synchronized Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected,
                                                                io.convrouter.classify.Classification.Plan plan,
                                                                String rulesetVersion, Instant at) {
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
        byId.put(id, new ConversationRecord(c.id(), c.channel(), c.externalId(), c.text(), c.language(), c.customer(),
                c.entry(), c.fields(), c.plan(), c.rulesetVersion(), ConversationStatus.QUEUED, null, c.decisionId(),
                c.createdAt(), null, c.endedAt(), c.outcome(), c.satisfaction(), c.experimentId(), c.variant()));
        return true;
    }

    @Override
    public synchronized Optional<ConversationRecord> markEnded(String id, ConversationStatus expected,
                                                            ConversationStatus finalStatus, Instant at,
                                                            Outcome outcome, Integer satisfaction) {
        Runnable meanwhile = beforeNextMarkEnded.remove(id);
        if (meanwhile != null) {
            meanwhile.run();
        }
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

    /**
     * Runs {@code meanwhile} just before the next attempt to end the conversation lands, as if it
     * happened between the caller reading the conversation and ending it (a test helper; the
     * semantics of every method stay those of the MongoDB store).
     */
    synchronized void beforeNextMarkEnded(String id, Runnable meanwhile) {
        beforeNextMarkEnded.put(id, meanwhile);
    }

    /** How many times the conversation went from QUEUED to ASSIGNED. */
    synchronized int timesAssigned(String id) {
        return assignments.getOrDefault(id, 0);
    }

    synchronized ConversationRecord get(String id) {
        ConversationRecord c = byId.get(id);
        if (c == null) {
            throw new AssertionError("no conversation " + id + " in the store");
        }
        return c;
    }

    synchronized List<ConversationRecord> all() {
        return new ArrayList<>(byId.values());
    }

    private static String key(String channel, String externalId) {
        return channel + '\u0000' + externalId;
    }
}
