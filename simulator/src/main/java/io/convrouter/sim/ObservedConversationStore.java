package io.convrouter.sim;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.conversation.Outcome;
import io.convrouter.store.memory.MemoryConversationStore;

/**
 * The in-memory conversation store, watched: every status change the routing core makes (from
 * intake, the dispatcher's timers, a close that frees an agent, the rebalancer) passes through
 * here, so the simulator learns of each one where it happens, whichever code path made it.
 */
final class ObservedConversationStore implements ConversationStore {

    /** What the simulator is told. */
    interface Observer {
        void inserted(ConversationRecord c);

        void offered(String id, String agentId);

        void assigned(String id, String agentId);

        void returned(String id, String agentId, String why);
    }

    private final MemoryConversationStore store = new MemoryConversationStore();
    private final Observer observer;

    ObservedConversationStore(Observer observer) {
        this.observer = observer;
    }

    @Override
    public Optional<ConversationRecord> insertIfAbsent(ConversationRecord conversation) {
        Optional<ConversationRecord> existing = store.insertIfAbsent(conversation);
        if (existing.isEmpty()) {
            observer.inserted(conversation);
        }
        return existing;
    }

    @Override
    public Optional<ConversationRecord> find(String id) {
        return store.find(id);
    }

    @Override
    public Optional<ConversationRecord> findByExternalId(String channel, String externalId) {
        return store.findByExternalId(channel, externalId);
    }

    @Override
    public boolean markAssigned(String id, String agentId, Instant at) {
        boolean done = store.markAssigned(id, agentId, at);
        if (done) {
            observer.assigned(id, agentId);
        }
        return done;
    }

    @Override
    public boolean markOffered(String id, String agentId, Instant at, Instant expiresAt) {
        boolean done = store.markOffered(id, agentId, at, expiresAt);
        if (done) {
            observer.offered(id, agentId);
        }
        return done;
    }

    @Override
    public Optional<ConversationRecord> markAccepted(String id, String agentId, Instant at) {
        Optional<ConversationRecord> done = store.markAccepted(id, agentId, at);
        done.ifPresent(c -> observer.assigned(id, agentId));
        return done;
    }

    @Override
    public Optional<ConversationRecord> markDeclined(String id, ConversationStatus expected, String agentId) {
        Optional<ConversationRecord> done = store.markDeclined(id, expected, agentId);
        done.ifPresent(c -> observer.returned(id, agentId,
                expected == ConversationStatus.ASSIGNED ? "reclaimed" : "declined"));
        return done;
    }

    @Override
    public Optional<ConversationRecord> markOfferRevoked(String id, String agentId) {
        Optional<ConversationRecord> done = store.markOfferRevoked(id, agentId);
        done.ifPresent(c -> observer.returned(id, agentId, "revoked"));
        return done;
    }

    @Override
    public Optional<ConversationRecord> markFirstReply(String id, String agentId, Instant at) {
        return store.markFirstReply(id, agentId, at);
    }

    @Override
    public Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected, Classification.Plan plan,
                                                      String rulesetVersion, Instant at) {
        return store.markHandedOff(id, expected, plan, rulesetVersion, at);
    }

    @Override
    public Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected, Classification.Plan plan,
                                                      String rulesetVersion, Instant at, String strategy) {
        return store.markHandedOff(id, expected, plan, rulesetVersion, at, strategy);
    }

    @Override
    public List<ConversationRecord> findOffered() {
        return store.findOffered();
    }

    @Override
    public boolean markRequeued(String id, String agentId) {
        boolean done = store.markRequeued(id, agentId);
        if (done) {
            observer.returned(id, agentId, "requeued");
        }
        return done;
    }

    @Override
    public Optional<ConversationRecord> markEnded(String id, ConversationStatus expected, ConversationStatus finalStatus,
                                                  Instant at, Outcome outcome, Integer satisfaction) {
        return store.markEnded(id, expected, finalStatus, at, outcome, satisfaction);
    }

    @Override
    public List<ConversationRecord> findQueued() {
        return store.findQueued();
    }

    @Override
    public List<ConversationRecord> findAssigned() {
        return store.findAssigned();
    }
}
