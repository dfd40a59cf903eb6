package io.convrouter.store.memory;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.Presence;
import io.convrouter.classify.Classification;
import io.convrouter.classify.facts.CustomerHistory;
import io.convrouter.conversation.AgentStatsStore;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.CustomerHistoryStore;
import io.convrouter.conversation.Outcome;
import io.convrouter.dispatch.Dispatcher;

/**
 * The in-memory stores keep the promises the routing core relies on from the MongoDB ones
 * (see StoreContract): conditional status changes, idempotent intake, atomic reservations.
 */
class MemoryStoresTest {
    private static final Instant T0 = Instant.parse("2024-11-11T08:00:00Z");

    private final MemoryAgentStore agents = new MemoryAgentStore();
    private final MemoryConversationStore conversations = new MemoryConversationStore();

    private static Instant at(long seconds) {
        return T0.plusSeconds(seconds);
    }

    private static ConversationRecord queued(String id, String externalId) {
        return new ConversationRecord(id, "web", externalId, "我要退款", "zh",
                new ConversationRecord.CustomerInfo("cust-" + id, "regular", false, null, 0, Set.of()),
                new ConversationRecord.EntryInfo(null, null, null), Map.of(),
                new Classification.Plan("refund", "after-sales", Map.of("refund", 3), "zh", null, 40, 90, false, null),
                "v1", ConversationStatus.QUEUED, null, "d-" + id, at(0), null, null, null, null);
    }

    private static AgentProfile profile(String id, Map<String, Integer> capacity) {
        return new AgentProfile(id, "Agent " + id, Map.of("refund", 4), Set.of("zh"), Set.of(), capacity);
    }

    // ---------------------------------------------------------------- conversations

    @Test
    void insertIsIdempotentOnChannelAndExternalId() {
        ConversationRecord first = queued("c1", "e-1");
        assertThat(conversations.insertIfAbsent(first)).isEmpty();
        assertThat(conversations.insertIfAbsent(queued("c2", "e-1"))).contains(first);
        assertThat(conversations.find("c2")).isEmpty();
        assertThat(conversations.findByExternalId("web", "e-1")).contains(first);
        assertThat(conversations.findByExternalId("wechat", "e-1")).isEmpty();
        assertThat(conversations.size()).isEqualTo(1);
    }

    @Test
    void statusChangesOnlyFromTheStatusAndAgentTheyExpect() {
        conversations.insertIfAbsent(queued("c1", "e-1"));

        assertThat(conversations.markOffered("c1", "a-1", at(1), at(31))).isTrue();
        assertThat(conversations.markAssigned("c1", "a-2", at(2))).as("offered, not queued").isFalse();
        assertThat(conversations.markAccepted("c1", "a-2", at(3))).as("offered to someone else").isEmpty();
        ConversationRecord offered = conversations.find("c1").orElseThrow();
        assertThat(offered.progress().offerExpiresAt()).isEqualTo(at(31));

        ConversationRecord back = conversations.markDeclined("c1", ConversationStatus.OFFERED, "a-1").orElseThrow();
        assertThat(back.status()).isEqualTo(ConversationStatus.QUEUED);
        assertThat(back.agentId()).isNull();
        assertThat(back.progress().declinedBy()).containsExactly("a-1");
        assertThat(back.progress().reroutes()).isEqualTo(1);
        assertThat(back.queuedAt()).as("keeps its age").isEqualTo(at(0));

        assertThat(conversations.markOffered("c1", "a-2", at(4), at(34))).isTrue();
        ConversationRecord accepted = conversations.markAccepted("c1", "a-2", at(5)).orElseThrow();
        assertThat(accepted.status()).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(accepted.assignedAt()).isEqualTo(at(5));
        assertThat(accepted.progress().acceptedAt()).isEqualTo(at(5));
        assertThat(accepted.progress().offerExpiresAt()).isNull();

        ConversationRecord replied = conversations.markFirstReply("c1", "a-2", at(6)).orElseThrow();
        assertThat(conversations.markFirstReply("c1", "a-2", at(9)).orElseThrow().progress().firstReplyAt())
                .as("recorded once").isEqualTo(at(6)).isEqualTo(replied.progress().firstReplyAt());

        assertThat(conversations.markEnded("c1", ConversationStatus.QUEUED, ConversationStatus.ABANDONED, at(7), null,
                null)).as("not queued any more").isEmpty();
        ConversationRecord closed = conversations.markEnded("c1", ConversationStatus.ASSIGNED, ConversationStatus.CLOSED,
                at(8), Outcome.RESOLVED, 5).orElseThrow();
        assertThat(closed.status()).isEqualTo(ConversationStatus.CLOSED);
        assertThat(closed.endedAt()).isEqualTo(at(8));
        assertThat(closed.outcome()).isEqualTo(Outcome.RESOLVED);
        assertThat(conversations.markEnded("c1", ConversationStatus.ASSIGNED, ConversationStatus.CLOSED, at(9),
                Outcome.RESOLVED, 5)).as("ends once").isEmpty();
    }

    @Test
    void revokedOffersAreNotHeldAgainstTheAgentAndFindersSelectByStatus() {
        conversations.insertIfAbsent(queued("c1", "e-1"));
        conversations.insertIfAbsent(queued("c2", "e-2"));
        conversations.insertIfAbsent(queued("c3", "e-3"));
        conversations.markOffered("c1", "a-1", at(1), at(31));
        conversations.markAssigned("c2", "a-1", at(1));

        assertThat(conversations.findOffered()).extracting(ConversationRecord::id).containsExactly("c1");
        assertThat(conversations.findAssigned()).extracting(ConversationRecord::id).containsExactly("c2");
        assertThat(conversations.findQueued()).extracting(ConversationRecord::id).containsExactly("c3");

        ConversationRecord revoked = conversations.markOfferRevoked("c1", "a-1").orElseThrow();
        assertThat(revoked.status()).isEqualTo(ConversationStatus.QUEUED);
        assertThat(revoked.progress().declinedBy()).isEmpty();
        assertThat(revoked.progress().reroutes()).isZero();
        assertThat(conversations.markRequeued("c2", "a-2")).as("another agent's").isFalse();
        assertThat(conversations.markRequeued("c2", "a-1")).isTrue();
        assertThat(conversations.findQueued()).extracting(ConversationRecord::id).containsExactly("c1", "c2", "c3");
    }

    // ---------------------------------------------------------------- agents

    @Test
    void profileUpdatesKeepPresenceAndLoadAndPresenceSinceMovesOnlyOnChange() {
        Agent created = agents.saveProfile(profile("a-1", Map.of("web", 3)), at(0));
        assertThat(created.presence()).isEqualTo(Presence.OFFLINE);
        assertThat(created.load()).isEqualTo(Map.of("web", 0));
        agents.setPresence("a-1", Presence.ONLINE, at(1));
        assertThat(agents.setPresence("a-1", Presence.ONLINE, at(5)).orElseThrow().presenceSince()).isEqualTo(at(1));
        agents.tryReserve("a-1", "web", 1000, "c1", at(2)).orElseThrow();

        Agent updated = agents.saveProfile(profile("a-1", Map.of("web", 4, "wechat", 2)), at(3));

        assertThat(updated.presence()).isEqualTo(Presence.ONLINE);
        assertThat(updated.load()).isEqualTo(Map.of("web", 1, "wechat", 0));
        assertThat(updated.holds("c1")).isTrue();
        assertThat(updated.unitsUsed()).isEqualTo(1000);
        assertThat(agents.setPresence("ghost", Presence.ONLINE, at(4))).isEmpty();
    }

    @Test
    void reservationsCheckPresenceCapacityUnitsAndDuplicates() {
        agents.saveProfile(new AgentProfile("a-1", "A", Map.of(), Set.of("zh"), Set.of(), Map.of("web", 2, "email", 4),
                Set.of(), 2500), at(0));
        assertThat(agents.tryReserve("a-1", "web", 1000, "c1", at(1))).as("offline").isEmpty();
        agents.setPresence("a-1", Presence.ONLINE, at(1));

        assertThat(agents.tryReserve("a-1", "web", 1000, "c1", at(2))).isPresent();
        assertThat(agents.tryReserve("a-1", "web", 1000, "c1", at(2))).as("held already").isEmpty();
        assertThat(agents.tryReserve("a-1", "web", 1000, "c2", at(3))).isPresent();
        assertThat(agents.tryReserve("a-1", "web", 1000, "c3", at(3))).as("web full").isEmpty();
        assertThat(agents.tryReserve("a-1", "email", 500, "c4", at(4))).isPresent();
        assertThat(agents.tryReserve("a-1", "email", 500, "c5", at(4))).as("units used up").isEmpty();
        assertThat(agents.tryReserve("a-1", "phone", 0, "c6", at(4))).as("channel not served").isEmpty();

        Agent a = agents.find("a-1").orElseThrow();
        assertThat(a.load()).isEqualTo(Map.of("web", 2, "email", 1));
        assertThat(a.unitsUsed()).isEqualTo(2500);
        assertThat(a.lastAssignedAt()).isEqualTo(at(4));
    }

    @Test
    void releaseGivesBackOnceAndWrapUpAndTimeoutsAreStored() {
        agents.saveProfile(profile("a-1", Map.of("web", 2)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(0));
        agents.tryReserve("a-1", "web", 1000, "c1", at(1));
        agents.tryReserve("a-1", "web", 1000, "c2", at(1));

        Agent once = agents.release("a-1", "c1", at(5)).orElseThrow();
        Agent twice = agents.release("a-1", "c1", at(6)).orElseThrow();
        assertThat(once.loadOn("web")).isEqualTo(1);
        assertThat(twice.loadOn("web")).isEqualTo(1);
        assertThat(twice.lastFreedAt()).isEqualTo(at(5));
        assertThat(twice.unitsUsed()).isEqualTo(1000);
        assertThat(agents.release("ghost", "c1", at(7))).isEmpty();

        assertThat(agents.startWrapUp("a-1", at(40)).orElseThrow().wrappingUpAt(at(39))).isTrue();
        assertThat(agents.recordOfferTimeout("a-1").orElseThrow().offerTimeouts()).isEqualTo(1);
        assertThat(agents.recordOfferTimeout("a-1").orElseThrow().offerTimeouts()).isEqualTo(2);
        assertThat(agents.resetOfferTimeouts("a-1").orElseThrow().offerTimeouts()).isZero();
    }

    @Test
    void racingReservationsNeverOverbook() throws Exception {
        for (int i = 0; i < 4; i++) {
            agents.saveProfile(profile("a-" + i, Map.of("web", 3)), at(0));
            agents.setPresence("a-" + i, Presence.ONLINE, at(0));
        }
        int threads = 8;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<Integer>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            results.add(pool.submit(() -> {
                start.await();
                int won = 0;
                for (int c = 0; c < 50; c++) {
                    if (agents.tryReserve("a-" + (c % 4), "web", 1000, "c" + c, at(1)).isPresent()) {
                        won++;
                    }
                    if (c % 7 == thread) {
                        agents.release("a-" + (c % 4), "c" + c, at(2));
                    }
                }
                return won;
            }));
        }
        start.countDown();
        pool.shutdown();
        assertThat(pool.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        for (Future<Integer> r : results) {
            r.get();
        }
        for (Agent a : agents.findAll()) {
            assertThat(a.loadOn("web")).isBetween(0, 3).isEqualTo(a.active().size());
            assertThat(a.active().stream().map(Agent.ActiveConversation::conversationId).distinct().count())
                    .isEqualTo(a.active().size());
        }
    }

    /** The dispatcher runs on these stores as on MongoDB: assign, queue, and feed the freed agent. */
    @Test
    void theDispatcherRoutesOverTheMemoryStores() {
        agents.saveProfile(profile("a-1", Map.of("web", 1)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(0));
        Dispatcher dispatcher = new Dispatcher(agents, conversations, Clock.fixed(at(10), ZoneOffset.UTC));
        dispatcher.reload(agents.findAll(), List.of());
        ConversationRecord first = queued("c1", "e-1");
        ConversationRecord second = queued("c2", "e-2");
        conversations.insertIfAbsent(first);
        conversations.insertIfAbsent(second);

        assertThat(dispatcher.submit(first).agentId()).isEqualTo("a-1");
        assertThat(dispatcher.submit(second).agentId()).as("the only agent is full").isNull();
        assertThat(conversations.find("c2").orElseThrow().status()).isEqualTo(ConversationStatus.QUEUED);

        conversations.markEnded("c1", ConversationStatus.ASSIGNED, ConversationStatus.CLOSED, at(11), Outcome.RESOLVED,
                null);
        Agent freed = agents.release("a-1", "c1", at(11)).orElseThrow();
        assertThat(dispatcher.agentChanged(freed)).extracting(a -> a.conversation().id()).containsExactly("c2");
        assertThat(conversations.find("c2").orElseThrow().agentId()).isEqualTo("a-1");
        assertThat(agents.find("a-1").orElseThrow().active()).extracting(Agent.ActiveConversation::conversationId)
                .containsExactly("c2");
    }

    // ---------------------------------------------------------------- history and stats

    @Test
    void customerHistoryKeepsEachConversationOnceNewestFirstBounded() {
        CustomerHistoryStore history = new MemoryCustomerHistoryStore();
        history.record("cust", new CustomerHistory.Past("c1", at(1), "refund", "after-sales", "a-1", null, null));
        history.record("cust", new CustomerHistory.Past("c2", at(2), "shipping", "logistics", null, null, null));
        history.record("cust", new CustomerHistory.Past("c1", at(1), "refund", "after-sales", "a-1", "resolved", 5));

        assertThat(history.recent("cust")).extracting(CustomerHistory.Past::conversationId).containsExactly("c2", "c1");
        assertThat(history.recent("cust").get(1).outcome()).isEqualTo("resolved");
        assertThat(history.recent("nobody")).isEmpty();

        for (int i = 0; i < CustomerHistoryStore.KEPT + 5; i++) {
            history.record("busy", new CustomerHistory.Past("b" + i, at(100 + i), "refund", "q", null, null, null));
        }
        List<CustomerHistory.Past> kept = history.recent("busy");
        assertThat(kept).hasSize(CustomerHistoryStore.KEPT);
        assertThat(kept.get(0).conversationId()).isEqualTo("b" + (CustomerHistoryStore.KEPT + 4));
        assertThat(kept.get(kept.size() - 1).conversationId()).isEqualTo("b5");
    }

    @Test
    void agentStatsCountClosedResolvedAndSatisfaction() {
        AgentStatsStore stats = new MemoryAgentStatsStore();
        stats.record("a-1", "refund", true, 5);
        stats.record("a-1", "refund", false, null);
        stats.record("a-1", null, true, 3);
        List<AgentStatsStore.Row> rows = new ArrayList<>();
        stats.forEach(rows::add);
        assertThat(rows).containsExactly(new AgentStatsStore.Row("a-1", null, 1, 1, 3, 1),
                new AgentStatsStore.Row("a-1", "refund", 2, 1, 5, 1));
    }
}
