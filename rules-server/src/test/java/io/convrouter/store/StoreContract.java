package io.convrouter.store;

import static io.convrouter.store.StoreFixtures.agent;
import static io.convrouter.store.StoreFixtures.at;
import static io.convrouter.store.StoreFixtures.conversation;
import static io.convrouter.store.StoreFixtures.decision;
import static io.convrouter.store.StoreFixtures.queued;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;

import io.convrouter.classify.facts.CustomerHistory;
import io.convrouter.conversation.CustomerHistoryStore;
import io.convrouter.store.mongo.MongoCustomerHistoryStore;
import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.store.mongo.MongoAgentStore;
import io.convrouter.store.mongo.MongoConversationStore;
import io.convrouter.store.mongo.MongoDecisionLog;

/**
 * What the routing core relies on from its stores, written once and run against every MongoDB
 * the server can use: the embedded server (memory and H2 file backends) and a real MongoDB.
 * Each test gets a database of its own.
 */
abstract class StoreContract {
    static final int THREADS = 16;

    /** A client for the MongoDB under test, shared by the tests of one class. */
    protected abstract MongoClient client();

    protected MongoDatabase db;
    protected MongoAgentStore agents;
    protected MongoConversationStore conversations;
    protected MongoDecisionLog decisions;

    @BeforeEach
    void freshDatabase() {
        db = client().getDatabase("contract_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        // As the server builds it: every workbench channel known, so a new channel never adds a load field.
        agents = new MongoAgentStore(db, java.util.Set.of("web", "wechat", "mini_program", "app", "email", "short_video",
                "live_stream", "marketplace", "phone"));
        conversations = new MongoConversationStore(db);
        decisions = new MongoDecisionLog(db);
    }

    @AfterEach
    void dropDatabase() {
        db.drop();
    }

    // ---------------------------------------------------------------- conversations

    @Test
    void conversationRoundTripsEveryField() {
        ConversationRecord c = queued("c1", "wx-1");

        assertThat(conversations.insertIfAbsent(c)).isEmpty();

        assertThat(conversations.find("c1")).contains(c);
        assertThat(conversations.findByExternalId("web", "wx-1")).contains(c);
        assertThat(conversations.find("nope")).isEmpty();
        assertThat(conversations.findByExternalId("wechat", "wx-1")).isEmpty();
    }

    @Test
    void insertIfAbsentIsIdempotentOnChannelAndExternalId() {
        ConversationRecord first = queued("c1", "wx-1");
        conversations.insertIfAbsent(first);

        Optional<ConversationRecord> again = conversations.insertIfAbsent(queued("c2", "wx-1"));

        assertThat(again).as("the same channel and external id returns the stored conversation").contains(first);
        assertThat(conversations.find("c2")).as("no second conversation").isEmpty();
        assertThat(db.getCollection("conversations").countDocuments()).isEqualTo(1);

        ConversationRecord otherChannel = conversation("c3", "wechat", "wx-1", ConversationStatus.QUEUED, at(1));
        assertThat(conversations.insertIfAbsent(otherChannel))
                .as("the same external id on another channel is another conversation").isEmpty();
        assertThat(conversations.find("c3")).contains(otherChannel);
    }

    @Test
    void concurrentDuplicatesStoreExactlyOneConversation() throws Exception {
        List<Optional<ConversationRecord>> results = race(THREADS,
                i -> conversations.insertIfAbsent(queued("dup-" + i, "wx-race")));

        List<String> winners = new ArrayList<>();
        for (int i = 0; i < results.size(); i++) {
            if (results.get(i).isEmpty()) {
                winners.add("dup-" + i);
            }
        }
        assertThat(winners).as("exactly one insert wins").hasSize(1);
        String winner = winners.get(0);
        assertThat(results).filteredOn(Optional::isPresent).extracting(r -> r.get().id())
                .as("every loser gets the winner back").containsOnly(winner).hasSize(THREADS - 1);
        assertThat(db.getCollection("conversations").countDocuments(new Document("externalId", "wx-race")))
                .isEqualTo(1);
    }

    @Test
    void markAssignedOnlyFromQueued() {
        conversations.insertIfAbsent(queued("q", "e-q"));
        conversations.insertIfAbsent(conversation("b", "web", "e-b", ConversationStatus.BOT, at(0)));

        assertThat(conversations.markAssigned("q", "a-1", at(5))).isTrue();
        ConversationRecord assigned = conversations.find("q").orElseThrow();
        assertThat(assigned.status()).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(assigned.agentId()).isEqualTo("a-1");
        assertThat(assigned.assignedAt()).isEqualTo(at(5));

        assertThat(conversations.markAssigned("q", "a-2", at(6))).as("already assigned").isFalse();
        assertThat(conversations.find("q").orElseThrow().agentId()).isEqualTo("a-1");
        assertThat(conversations.markAssigned("b", "a-2", at(6))).as("with the bot").isFalse();
        assertThat(conversations.markAssigned("missing", "a-2", at(6))).isFalse();

        conversations.markEnded("q", ConversationStatus.ASSIGNED, ConversationStatus.CLOSED, at(7), Outcome.RESOLVED,
                null);
        assertThat(conversations.markAssigned("q", "a-2", at(8))).as("closed").isFalse();
    }

    @Test
    void concurrentAssignmentsOfOneConversationHaveOneWinner() throws Exception {
        conversations.insertIfAbsent(queued("c", "e-c"));

        List<Boolean> won = race(THREADS, i -> conversations.markAssigned("c", "a-" + i, at(1)));

        List<Integer> winners = IntStream.range(0, THREADS).filter(won::get).boxed().toList();
        assertThat(winners).hasSize(1);
        assertThat(conversations.find("c").orElseThrow().agentId()).isEqualTo("a-" + winners.get(0));
    }

    @Test
    void markRequeuedOnlyFromAssignedToTheSameAgent() {
        conversations.insertIfAbsent(queued("c", "e-c"));
        assertThat(conversations.markRequeued("c", "a-1")).as("still queued").isFalse();
        conversations.markAssigned("c", "a-1", at(1));

        assertThat(conversations.markRequeued("c", "a-2")).as("held by another agent").isFalse();
        assertThat(conversations.markRequeued("c", "a-1")).isTrue();

        ConversationRecord back = conversations.find("c").orElseThrow();
        assertThat(back.status()).isEqualTo(ConversationStatus.QUEUED);
        assertThat(back.agentId()).isNull();
        assertThat(back.assignedAt()).isNull();
    }

    @Test
    void anOfferIsTakenBackToTheQueueOnlyWhileStillOfferedToThatAgentKeepingItsAge() {
        ConversationRecord original = queued("c", "e-c");
        conversations.insertIfAbsent(original);
        conversations.insertIfAbsent(queued("accepted", "e-a"));
        assertThat(conversations.markOfferRevoked("c", "a-1")).as("not offered yet").isEmpty();
        conversations.markOffered("c", "a-1", at(1), at(31));
        conversations.markOffered("accepted", "a-1", at(1), at(31));
        conversations.markAccepted("accepted", "a-1", at(2));

        assertThat(conversations.markOfferRevoked("c", "a-2")).as("offered to another agent").isEmpty();
        assertThat(conversations.markOfferRevoked("accepted", "a-1")).as("accepted work is never taken back").isEmpty();
        ConversationRecord back = conversations.markOfferRevoked("c", "a-1").orElseThrow();

        assertThat(back.status()).isEqualTo(ConversationStatus.QUEUED);
        assertThat(back.agentId()).isNull();
        assertThat(back.queuedAt()).as("keeps its age").isEqualTo(original.queuedAt());
        assertThat(back.progress().offeredAt()).isNull();
        assertThat(back.progress().offerExpiresAt()).isNull();
        assertThat(back.progress().declinedBy()).as("not a decline").isEmpty();
        assertThat(conversations.find("c")).contains(back);
        assertThat(conversations.markOfferRevoked("c", "a-1")).as("once").isEmpty();
        assertThat(conversations.find("accepted").orElseThrow().status()).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(conversations.markOffered("c", "a-2", at(3), at(33))).as("offered again").isTrue();
    }

    @Test
    void markEndedOnlyFromTheExpectedStatus() {
        conversations.insertIfAbsent(queued("c", "e-c"));
        conversations.markAssigned("c", "a-1", at(1));

        assertThat(conversations.markEnded("c", ConversationStatus.QUEUED, ConversationStatus.ABANDONED, at(2), null,
                null)).as("it is no longer queued").isEmpty();
        assertThat(conversations.find("c").orElseThrow().status()).isEqualTo(ConversationStatus.ASSIGNED);

        Optional<ConversationRecord> closed = conversations.markEnded("c", ConversationStatus.ASSIGNED,
                ConversationStatus.CLOSED, at(3), Outcome.CONVERTED, 5);
        assertThat(closed).isPresent();
        assertThat(closed.get().status()).isEqualTo(ConversationStatus.CLOSED);
        assertThat(closed.get().outcome()).isEqualTo(Outcome.CONVERTED);
        assertThat(closed.get().satisfaction()).isEqualTo(5);
        assertThat(closed.get().endedAt()).isEqualTo(at(3));
        assertThat(closed.get().agentId()).as("the agent who served it stays on record").isEqualTo("a-1");
        assertThat(conversations.find("c")).contains(closed.get());

        assertThat(conversations.markEnded("c", ConversationStatus.ASSIGNED, ConversationStatus.CLOSED, at(4),
                Outcome.RESOLVED, 1)).as("a second close").isEmpty();
        assertThat(conversations.find("c").orElseThrow().outcome()).isEqualTo(Outcome.CONVERTED);
    }

    @Test
    void concurrentEndsOfOneConversationHaveOneWinner() throws Exception {
        conversations.insertIfAbsent(queued("c", "e-c"));
        conversations.markAssigned("c", "a-1", at(1));

        List<Optional<ConversationRecord>> ended = race(THREADS, i -> conversations.markEnded("c",
                ConversationStatus.ASSIGNED, i % 2 == 0 ? ConversationStatus.CLOSED : ConversationStatus.ABANDONED,
                at(2), i % 2 == 0 ? Outcome.RESOLVED : null, null));

        assertThat(ended).filteredOn(Optional::isPresent).hasSize(1);
    }

    @Test
    void findQueuedAndFindAssignedSelectByStatus() {
        conversations.insertIfAbsent(queued("q1", "e1"));
        conversations.insertIfAbsent(queued("q2", "e2"));
        conversations.insertIfAbsent(queued("a1", "e3"));
        conversations.insertIfAbsent(queued("x1", "e4"));
        conversations.insertIfAbsent(conversation("b1", "web", "e5", ConversationStatus.BOT, at(0)));
        conversations.markAssigned("a1", "agent", at(1));
        conversations.markEnded("x1", ConversationStatus.QUEUED, ConversationStatus.ABANDONED, at(1), null, null);

        assertThat(conversations.findQueued()).extracting(ConversationRecord::id).containsExactlyInAnyOrder("q1", "q2");
        assertThat(conversations.findAssigned()).extracting(ConversationRecord::id).containsExactly("a1");
    }

    // ---------------------------------------------------------------- agents

    @Test
    void newAgentIsOfflineWithNoLoad() {
        Agent saved = agents.saveProfile(agent("a-1", Map.of("web", 3, "email", 10)), at(0));

        assertThat(saved.presence()).isEqualTo(Presence.OFFLINE);
        assertThat(saved.load()).isEqualTo(Map.of("web", 0, "email", 0));
        assertThat(saved.active()).isEmpty();
        assertThat(agents.find("a-1")).contains(saved);
        assertThat(saved.skills()).isEqualTo(Map.of("refund", 4, "general", 3));
        assertThat(saved.languages()).containsExactlyInAnyOrder("zh", "en");
        assertThat(saved.teams()).containsExactly("vip-desk");
        assertThat(saved.capacity()).isEqualTo(Map.of("web", 3, "email", 10));
    }

    @Test
    void saveProfileKeepsPresenceAndLoad() {
        agents.saveProfile(agent("a-1", Map.of("web", 3)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(1));
        agents.tryReserve("a-1", "web", 3, "conv-1", at(2)).orElseThrow();

        Agent updated = agents.saveProfile(new io.convrouter.agents.AgentProfile("a-1", "Li Na",
                Map.of("refund", 5, "shipping", 2), Set.of("zh"), Set.of(), Map.of("web", 4, "wechat", 2)), at(3));

        assertThat(updated.name()).isEqualTo("Li Na");
        assertThat(updated.skills()).isEqualTo(Map.of("refund", 5, "shipping", 2));
        assertThat(updated.capacity()).isEqualTo(Map.of("web", 4, "wechat", 2));
        assertThat(updated.presence()).as("presence survives a profile update").isEqualTo(Presence.ONLINE);
        assertThat(updated.presenceSince()).isEqualTo(at(1));
        assertThat(updated.loadOn("web")).as("load survives a profile update").isEqualTo(1);
        assertThat(updated.holds("conv-1")).isTrue();
        assertThat(updated.loadOn("wechat")).isZero();
        assertThat(agents.find("a-1")).contains(updated);

        assertThat(agents.tryReserve("a-1", "wechat", 2, "conv-2", at(4)))
                .as("a channel added by the update can be reserved").isPresent();
    }

    @Test
    void setPresenceOfUnknownAgentIsEmpty() {
        assertThat(agents.setPresence("ghost", Presence.ONLINE, at(0))).isEmpty();
        assertThat(agents.find("ghost")).isEmpty();
    }

    @Test
    void presenceSinceMovesOnlyWhenPresenceChanges() {
        agents.saveProfile(agent("a-1", Map.of("web", 3)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(1));
        Agent same = agents.setPresence("a-1", Presence.ONLINE, at(5)).orElseThrow();
        assertThat(same.presenceSince()).isEqualTo(at(1));
        Agent away = agents.setPresence("a-1", Presence.AWAY, at(6)).orElseThrow();
        assertThat(away.presence()).isEqualTo(Presence.AWAY);
        assertThat(away.presenceSince()).isEqualTo(at(6));
    }

    @Test
    void findAllListsAgentsById() {
        agents.saveProfile(agent("b", Map.of("web", 1)), at(0));
        agents.saveProfile(agent("a", Map.of("web", 1)), at(0));
        agents.saveProfile(agent("c", Map.of("web", 1)), at(0));
        assertThat(agents.findAll()).extracting(Agent::id).containsExactly("a", "b", "c");
    }

    @Test
    void tryReserveRefusesAgentsWhoAreNotOnline() {
        agents.saveProfile(agent("a-1", Map.of("web", 3)), at(0));
        assertThat(agents.tryReserve("a-1", "web", 3, "c1", at(1))).as("offline").isEmpty();
        agents.setPresence("a-1", Presence.AWAY, at(1));
        assertThat(agents.tryReserve("a-1", "web", 3, "c1", at(2))).as("away").isEmpty();
        assertThat(agents.find("a-1").orElseThrow().loadOn("web")).isZero();

        agents.setPresence("a-1", Presence.ONLINE, at(3));
        assertThat(agents.tryReserve("a-1", "web", 3, "c1", at(4))).isPresent();
        assertThat(agents.tryReserve("ghost", "web", 3, "c2", at(4))).as("unknown agent").isEmpty();
    }

    @Test
    void tryReserveRefusesWhenTheChannelIsFull() {
        agents.saveProfile(agent("a-1", Map.of("web", 2, "email", 1)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(0));

        Agent one = agents.tryReserve("a-1", "web", 2, "c1", at(1)).orElseThrow();
        assertThat(one.loadOn("web")).isEqualTo(1);
        assertThat(one.active()).singleElement().satisfies(a -> {
            assertThat(a.conversationId()).isEqualTo("c1");
            assertThat(a.channel()).isEqualTo("web");
            assertThat(a.since()).isEqualTo(at(1));
        });
        assertThat(agents.tryReserve("a-1", "web", 2, "c2", at(2))).isPresent();
        assertThat(agents.tryReserve("a-1", "web", 2, "c3", at(3))).as("full on web").isEmpty();
        assertThat(agents.tryReserve("a-1", "email", 1, "c3", at(3))).as("email is another channel").isPresent();
        assertThat(agents.tryReserve("a-1", "phone", 0, "c4", at(3))).as("channel not served").isEmpty();

        Agent after = agents.find("a-1").orElseThrow();
        assertThat(after.load()).isEqualTo(Map.of("web", 2, "email", 1));
        assertThat(after.active()).extracting(Agent.ActiveConversation::conversationId)
                .containsExactly("c1", "c2", "c3");
    }

    /**
     * The capacity a reservation checks is the agent's stored one. A caller may hold an older
     * view of the agent (the dispatcher's cache, another server) from before a supervisor changed
     * the capacity: reserving with that view must never push the agent over what is stored, and
     * must not refuse room that is there.
     */
    @Test
    void tryReserveChecksTheStoredCapacityNotTheCallersView() {
        agents.saveProfile(agent("a-1", Map.of("web", 3)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(0));
        agents.tryReserve("a-1", "web", 3, "c1", at(1)).orElseThrow();
        agents.tryReserve("a-1", "web", 3, "c2", at(1)).orElseThrow();

        agents.saveProfile(agent("a-1", Map.of("web", 2)), at(2));
        assertThat(agents.tryReserve("a-1", "web", 3, "c3", at(3))).as("lowered to 2, reserved with 3").isEmpty();
        assertThat(agents.find("a-1").orElseThrow().loadOn("web")).isEqualTo(2);

        agents.saveProfile(agent("a-1", Map.of("web", 4)), at(4));
        assertThat(agents.tryReserve("a-1", "web", 2, "c3", at(5)).map(a -> a.loadOn("web")))
                .as("raised to 4, reserved with 2").contains(3);

        agents.saveProfile(agent("a-1", Map.of("email", 2)), at(6));
        assertThat(agents.tryReserve("a-1", "web", 4, "c4", at(7))).as("web no longer served").isEmpty();
        Agent after = agents.find("a-1").orElseThrow();
        assertThat(after.loadOn("web")).isEqualTo(3);
        assertThat(agents.tryReserve("a-1", "email", 2, "c5", at(8))).isPresent();
    }

    /**
     * Two servers: one lowers an agent's capacity, the other still has the old capacity in its
     * dispatcher's view. The second must not assign past the new capacity; it refreshes its view
     * and queues the conversation instead.
     */
    @Test
    void aDispatcherWithAStaleViewOfTheCapacityDoesNotOverbook() {
        agents.saveProfile(agent("a-1", Map.of("web", 3)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(0));
        Dispatcher stale = new Dispatcher(agents, conversations, Clock.fixed(at(10), ZoneOffset.UTC));
        stale.reload(agents.findAll(), List.of());
        ConversationRecord first = conversation("c1", "web", "e1", ConversationStatus.QUEUED, at(1));
        conversations.insertIfAbsent(first);
        assertThat(stale.submit(first).agentId()).isEqualTo("a-1");

        agents.saveProfile(agent("a-1", Map.of("web", 1)), at(2)); // on the other server

        ConversationRecord second = conversation("c2", "web", "e2", ConversationStatus.QUEUED, at(3));
        conversations.insertIfAbsent(second);
        assertThat(stale.submit(second).agentId()).as("the agent is full under its new capacity").isNull();
        assertThat(conversations.find("c2").orElseThrow().status()).isEqualTo(ConversationStatus.QUEUED);
        Agent a = agents.find("a-1").orElseThrow();
        assertThat(a.loadOn("web")).isEqualTo(1).isLessThanOrEqualTo(a.capacityFor("web"));
        assertThat(stale.cachedAgent("a-1").orElseThrow().capacityFor("web")).as("the view was refreshed")
                .isEqualTo(1);
    }

    @Test
    void tryReserveNeverHoldsOneConversationTwice() {
        agents.saveProfile(agent("a-1", Map.of("web", 5)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(0));
        assertThat(agents.tryReserve("a-1", "web", 5, "c1", at(1))).isPresent();
        assertThat(agents.tryReserve("a-1", "web", 5, "c1", at(2))).isEmpty();
        assertThat(agents.find("a-1").orElseThrow().loadOn("web")).isEqualTo(1);
    }

    @Test
    void releaseIsIdempotent() {
        agents.saveProfile(agent("a-1", Map.of("web", 2)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(0));
        agents.tryReserve("a-1", "web", 2, "c1", at(1));
        agents.tryReserve("a-1", "web", 2, "c2", at(1));

        Agent once = agents.release("a-1", "c1", at(5)).orElseThrow();
        Agent twice = agents.release("a-1", "c1", at(6)).orElseThrow();

        assertThat(once.loadOn("web")).isEqualTo(1);
        assertThat(once.lastFreedAt()).isEqualTo(at(5));
        assertThat(twice.loadOn("web")).as("a repeated release frees nothing").isEqualTo(1);
        assertThat(twice.lastFreedAt()).isEqualTo(at(5));
        assertThat(twice.active()).extracting(Agent.ActiveConversation::conversationId).containsExactly("c2");
        assertThat(agents.release("a-1", "never-held", at(7)).orElseThrow().loadOn("web")).isEqualTo(1);
        assertThat(agents.release("ghost", "c1", at(7))).isEmpty();

        assertThat(agents.tryReserve("a-1", "web", 2, "c3", at(8))).as("the freed unit can be taken").isPresent();
        assertThat(agents.tryReserve("a-1", "web", 2, "c4", at(8))).isEmpty();
    }

    @Test
    void concurrentReleasesOfOneConversationFreeOneUnit() throws Exception {
        agents.saveProfile(agent("a-1", Map.of("web", 3)), at(0));
        agents.setPresence("a-1", Presence.ONLINE, at(0));
        agents.tryReserve("a-1", "web", 3, "keep-1", at(1));
        agents.tryReserve("a-1", "web", 3, "keep-2", at(1));
        agents.tryReserve("a-1", "web", 3, "c1", at(1));

        race(THREADS, i -> agents.release("a-1", "c1", at(2)));

        Agent after = agents.find("a-1").orElseThrow();
        assertThat(after.loadOn("web")).isEqualTo(2);
        assertThat(after.active()).extracting(Agent.ActiveConversation::conversationId)
                .containsExactlyInAnyOrder("keep-1", "keep-2");
    }

    // ---------------------------------------------------------------- concurrency of claims

    /**
     * Many threads race to reserve many conversations on a few agents, each pair tried twice.
     * No agent goes over capacity, no agent holds a conversation twice, and every reservation
     * that reported success is exactly one unit of load.
     */
    @Test
    void racingReservationsNeverOverbook() throws Exception {
        int capacity = 4;
        List<String> roster = List.of("a-1", "a-2", "a-3");
        for (String id : roster) {
            agents.saveProfile(agent(id, Map.of("web", capacity)), at(0));
            agents.setPresence(id, Presence.ONLINE, at(0));
        }
        List<String[]> attempts = new ArrayList<>();
        for (int c = 0; c < 24; c++) {
            for (String a : roster) {
                attempts.add(new String[] {a, "conv-" + c});
                attempts.add(new String[] {a, "conv-" + c});
            }
        }
        Collections.shuffle(attempts, new java.util.Random(7));
        ConcurrentLinkedQueue<String[]> todo = new ConcurrentLinkedQueue<>(attempts);
        Map<String, AtomicInteger> successes = new ConcurrentHashMap<>();

        race(THREADS, i -> {
            for (String[] t; (t = todo.poll()) != null; ) {
                if (agents.tryReserve(t[0], "web", capacity, t[1], at(1)).isPresent()) {
                    successes.computeIfAbsent(t[0] + "/" + t[1], k -> new AtomicInteger()).incrementAndGet();
                }
            }
            return null;
        });

        assertThat(successes.values()).as("no agent reserved one conversation twice")
                .allSatisfy(n -> assertThat(n.get()).isEqualTo(1));
        for (String id : roster) {
            Agent a = agents.find(id).orElseThrow();
            List<String> held = a.active().stream().map(Agent.ActiveConversation::conversationId).toList();
            assertThat(a.loadOn("web")).as(id + " is full, never over").isEqualTo(capacity);
            assertThat(held).doesNotHaveDuplicates().hasSize(capacity);
            assertThat(successes.keySet().stream().filter(k -> k.startsWith(id + "/")).count())
                    .as("every success reported to a caller is a unit of load").isEqualTo(capacity);
        }
    }

    /** Reservations and releases churn on shared agents; load always equals what is held. */
    @Test
    void reserveAndReleaseChurnKeepsLoadEqualToHeldConversations() throws Exception {
        int capacity = 3;
        List<String> roster = List.of("a-1", "a-2");
        for (String id : roster) {
            agents.saveProfile(agent(id, Map.of("web", capacity)), at(0));
            agents.setPresence(id, Presence.ONLINE, at(0));
        }
        ConcurrentLinkedQueue<String> overbooked = new ConcurrentLinkedQueue<>();

        race(THREADS, t -> {
            java.util.Random random = new java.util.Random(t);
            for (int n = 0; n < 25; n++) {
                String agentId = roster.get(random.nextInt(roster.size()));
                String conv = "t" + t + "-" + n;
                Optional<Agent> r = agents.tryReserve(agentId, "web", capacity, conv, at(1));
                if (r.isPresent()) {
                    if (r.get().loadOn("web") > capacity) {
                        overbooked.add(agentId + " at " + r.get().loadOn("web"));
                    }
                    agents.release(agentId, conv, at(2));
                    if (n % 3 == 0) {
                        agents.release(agentId, conv, at(2));
                    }
                }
            }
            return null;
        });

        assertThat(overbooked).isEmpty();
        for (String id : roster) {
            Agent a = agents.find(id).orElseThrow();
            assertThat(a.loadOn("web")).as("everything reserved was released exactly once").isZero();
            assertThat(a.active()).isEmpty();
        }
    }

    @Test
    void concurrentRegistrationsOfOneNewAgentMakeOneAgent() throws Exception {
        List<Agent> saved = race(THREADS, i -> agents.saveProfile(new io.convrouter.agents.AgentProfile("a-new",
                "Name " + i, Map.of("refund", 1 + i % 5), Set.of("zh"), Set.of(), Map.of("web", 1 + i)), at(i)));

        assertThat(saved).hasSize(THREADS).allSatisfy(a -> assertThat(a.id()).isEqualTo("a-new"));
        assertThat(db.getCollection("agents").countDocuments()).isEqualTo(1);
        Agent stored = agents.find("a-new").orElseThrow();
        assertThat(stored.presence()).isEqualTo(Presence.OFFLINE);
        assertThat(stored.loadOn("web")).isZero();
    }

    /**
     * Profile updates that add a channel race with reservations on that channel: the load a
     * reservation took is never reset by an update that read the agent before the channel existed.
     */
    @Test
    void profileUpdatesAddingAChannelNeverResetItsLoad() throws Exception {
        int rounds = 40;
        for (int r = 0; r < rounds; r++) {
            String id = "a-" + r;
            agents.saveProfile(agent(id, Map.of("web", 5)), at(0));
            agents.setPresence(id, Presence.ONLINE, at(0));
        }
        race(THREADS, t -> {
            for (int r = 0; r < rounds; r++) {
                String id = "a-" + r;
                if (t % 4 == 3) {
                    for (int n = 0; n < 20; n++) {
                        if (agents.tryReserve(id, "wechat", 2, "t" + t + "-" + n, at(1)).isPresent()) {
                            break;
                        }
                    }
                } else {
                    agents.saveProfile(agent(id, Map.of("web", 5, "wechat", 2)), at(1));
                }
            }
            return null;
        });
        for (int r = 0; r < rounds; r++) {
            Agent a = agents.find("a-" + r).orElseThrow();
            long heldOnWechat = a.active().stream().filter(c -> c.channel().equals("wechat")).count();
            assertThat(a.loadOn("wechat")).as("a-%d load on wechat", r).isEqualTo(heldOnWechat)
                    .isLessThanOrEqualTo(2);
        }
    }

    /**
     * Two dispatchers on one database stand for two server instances: they race for the same
     * agents. The claims must stay atomic across them: no agent over capacity, no conversation
     * assigned twice, and each agent's load equals the conversations assigned to it.
     */
    @Test
    void twoDispatchersSharingOneDatabaseNeverOverbook() throws Exception {
        int capacity = 3;
        List<String> roster = List.of("a-1", "a-2", "a-3");
        for (String id : roster) {
            agents.saveProfile(agent(id, Map.of("web", capacity)), at(0));
            agents.setPresence(id, Presence.ONLINE, at(0));
        }
        Clock clock = Clock.fixed(at(10), ZoneOffset.UTC);
        List<Dispatcher> servers = List.of(new Dispatcher(agents, conversations, clock),
                new Dispatcher(agents, conversations, clock));
        for (Dispatcher d : servers) {
            d.reload(agents.findAll(), List.of());
        }
        int total = 30;
        ConcurrentLinkedQueue<Integer> todo = new ConcurrentLinkedQueue<>(IntStream.range(0, total).boxed().toList());
        Map<String, String> reportedAgent = new ConcurrentHashMap<>();

        race(THREADS, t -> {
            for (Integer n; (n = todo.poll()) != null; ) {
                ConversationRecord c = conversation("conv-" + n, "web", "e-" + n, ConversationStatus.QUEUED, at(n));
                conversations.insertIfAbsent(c);
                String agentId = servers.get(n % 2).submit(c).agentId();
                if (agentId != null) {
                    reportedAgent.put(c.id(), agentId);
                }
            }
            return null;
        });

        List<ConversationRecord> assigned = conversations.findAssigned();
        assertThat(assigned).as("all capacity is used, no more").hasSize(roster.size() * capacity);
        assertThat(conversations.findQueued()).hasSize(total - roster.size() * capacity);
        Map<String, String> storedAgent = assigned.stream()
                .collect(Collectors.toMap(ConversationRecord::id, ConversationRecord::agentId));
        assertThat(reportedAgent).as("what the dispatchers reported is what was stored").isEqualTo(storedAgent);
        assertLoadMatchesAssignments(roster, "web", capacity, assigned);
    }

    void assertLoadMatchesAssignments(List<String> roster, String channel, int capacity,
                                      List<ConversationRecord> assigned) {
        Map<String, Set<String>> byAgent = new HashMap<>();
        for (ConversationRecord c : assigned) {
            byAgent.computeIfAbsent(c.agentId(), k -> new HashSet<>()).add(c.id());
        }
        Set<String> heldAnywhere = new HashSet<>();
        for (String id : roster) {
            Agent a = agents.find(id).orElseThrow();
            List<String> held = a.active().stream().map(Agent.ActiveConversation::conversationId).toList();
            assertThat(a.loadOn(channel)).as(id + " load").isLessThanOrEqualTo(capacity)
                    .isEqualTo(byAgent.getOrDefault(id, Set.of()).size());
            assertThat(held).as(id + " holds exactly its assigned conversations")
                    .containsExactlyInAnyOrderElementsOf(byAgent.getOrDefault(id, Set.of()));
            for (String c : held) {
                assertThat(heldAnywhere.add(c)).as(c + " held by two agents").isTrue();
            }
        }
    }

    // ---------------------------------------------------------------- decision log

    @Test
    void appendIfAbsentRestoresTheTrailOfADecisionStoredWithoutIt() {
        // A kill between the two writes of append: the decision is stored, its trail entry is not.
        DecisionRecord d = decision("d1", "c1", at(0), "a-1", "Intents_12", "after-sales");
        decisions.append(d);
        db.getCollection("decision_trails").deleteMany(new org.bson.Document());
        assertThat(decisions.forConversation("c1")).isEmpty();

        decisions.appendIfAbsent(d);

        assertThat(decisions.forConversation("c1")).containsExactly(d);
    }

    @Test
    void decisionRoundTripsEveryField() {
        DecisionRecord d = decision("d1", "c1", at(0), "a-1", "Intents_12", "after-sales");
        decisions.append(d);
        assertThat(decisions.forConversation("c1")).containsExactly(d);
    }

    @Test
    void forConversationListsOneTrailOldestFirst() {
        decisions.append(decision("d3", "c1", at(30), null, "r", "q"));
        decisions.append(decision("d1", "c1", at(10), "a-1", "r", "q"));
        decisions.append(decision("other", "c2", at(20), null, "r", "q"));
        decisions.append(decision("d2", "c1", at(20), "a-2", "r", "q"));

        assertThat(decisions.forConversation("c1")).extracting(DecisionRecord::id).containsExactly("d1", "d2", "d3");
        assertThat(decisions.forConversation("none")).isEmpty();
    }

    @Test
    void findFiltersByEachFieldNewestFirst() {
        decisions.append(decision("d0", "c0", at(0), null, "Intents_12", "after-sales"));
        decisions.append(decision("d1", "c1", at(10), "a-1", "Intents_12", "after-sales"));
        decisions.append(decision("d2", "c1", at(20), "a-2", "VIP_3", "vip-desk"));
        decisions.append(decision("d3", "c2", at(30), "a-1", "VIP_3", "vip-desk"));
        decisions.append(decision("d4", "c3", at(40), null, "Intents_14", "logistics"));

        assertThat(ids(query(null, null, null, null, null, null, 0, 50))).containsExactly("d4", "d3", "d2", "d1", "d0");
        assertThat(ids(query(at(10), null, null, null, null, null, 0, 50)))
                .as("from is inclusive").containsExactly("d4", "d3", "d2", "d1");
        assertThat(ids(query(null, at(30), null, null, null, null, 0, 50)))
                .as("to is exclusive").containsExactly("d2", "d1", "d0");
        assertThat(ids(query(at(10), at(30), null, null, null, null, 0, 50))).containsExactly("d2", "d1");
        assertThat(ids(query(null, null, "c1", null, null, null, 0, 50))).containsExactly("d2", "d1");
        assertThat(ids(query(null, null, null, "a-1", null, null, 0, 50))).containsExactly("d3", "d1");
        assertThat(ids(query(null, null, null, null, "VIP_3", null, 0, 50)))
                .as("any fired rule matches").containsExactly("d3", "d2");
        assertThat(ids(query(null, null, null, null, "Angry wording to senior agents", null, 0, 50)))
                .as("the second fired rule matches too").hasSize(5);
        assertThat(ids(query(null, null, null, null, null, "after-sales", 0, 50))).containsExactly("d1", "d0");
        assertThat(ids(query(at(15), null, null, "a-1", "VIP_3", "vip-desk", 0, 50))).containsExactly("d3");
        assertThat(ids(query(null, null, null, "nobody", null, null, 0, 50))).isEmpty();

        assertThat(decisions.count(query(null, null, null, null, null, null, 0, 50))).isEqualTo(5);
        assertThat(decisions.count(query(null, null, null, "a-1", null, null, 0, 50))).isEqualTo(2);
        assertThat(decisions.count(query(null, null, null, null, "VIP_3", "vip-desk", 0, 1)))
                .as("count ignores paging").isEqualTo(2);
        assertThat(decisions.count(query(at(100), null, null, null, null, null, 0, 50))).isZero();
    }

    @Test
    void findPagesThroughEveryDecisionOnce() {
        for (int i = 0; i < 23; i++) {
            decisions.append(decision(String.format("d%02d", i), "c" + (i % 4), at(i), "a-" + (i % 3), "r", "q"));
        }
        List<String> seen = new ArrayList<>();
        for (int page = 0; page < 5; page++) {
            List<DecisionRecord> items = decisions.find(query(null, null, null, null, null, null, page, 5));
            assertThat(items).hasSize(page < 4 ? 5 : 3);
            items.forEach(d -> seen.add(d.id()));
        }
        assertThat(seen).as("newest first, each once").containsExactlyElementsOf(
                IntStream.iterate(22, i -> i >= 0, i -> i - 1).mapToObj(i -> String.format("d%02d", i)).toList());
        assertThat(decisions.find(query(null, null, null, null, null, null, 5, 5))).isEmpty();

        List<String> agentPages = new ArrayList<>();
        for (int page = 0; page < 3; page++) {
            decisions.find(query(null, null, null, "a-1", null, null, page, 3)).forEach(d -> agentPages.add(d.id()));
        }
        assertThat(agentPages).containsExactly("d22", "d19", "d16", "d13", "d10", "d07", "d04", "d01");
        assertThat(decisions.count(query(null, null, null, "a-1", null, null, 1, 3))).isEqualTo(8);
    }

    @Test
    void decisionsWithTheSameTimePageStably() {
        for (int i = 0; i < 12; i++) {
            decisions.append(decision("same-" + (char) ('a' + i), "c", at(5), null, "r", "q"));
        }
        List<String> seen = new ArrayList<>();
        for (int page = 0; page < 4; page++) {
            decisions.find(query(null, null, null, null, null, null, page, 3)).forEach(d -> seen.add(d.id()));
        }
        assertThat(seen).doesNotHaveDuplicates().hasSize(12);
    }

    // ---------------------------------------------------------------- helpers

    static DecisionQuery query(Instant from, Instant to, String conversationId, String agentId, String rule,
                               String queue, int page, int size) {
        return new DecisionQuery(from, to, conversationId, agentId, rule, queue, page, size);
    }

    List<String> ids(DecisionQuery q) {
        return decisions.find(q).stream().map(DecisionRecord::id).toList();
    }

    interface Task<T> {
        T run(int thread) throws Exception;
    }

    // ---------------------------------------------------------------- customer history

    @Test
    void customerHistoryKeepsEachConversationOnceNewestFirstAndUpdatesItsOutcome() {
        MongoCustomerHistoryStore history = new MongoCustomerHistoryStore(db);
        Instant t0 = Instant.parse("2026-11-01T08:00:00Z");
        history.record("c-1", new CustomerHistory.Past("conv.1", t0, "refund", "after-sales", "a-1", null, null));
        history.record("c-1", new CustomerHistory.Past("conv-2", t0.plusSeconds(60), "shipping", "logistics", null,
                null, null));
        history.record("c-2", new CustomerHistory.Past("conv-3", t0, "price", "sales", null, null, null));
        // closing conv.1 rewrites its entry (ids with dots are keys too)
        history.record("c-1", new CustomerHistory.Past("conv.1", t0, "refund", "after-sales", "a-1", "unresolved", 2));

        assertThat(history.recent("c-1")).containsExactly(
                new CustomerHistory.Past("conv-2", t0.plusSeconds(60), "shipping", "logistics", null, null, null),
                new CustomerHistory.Past("conv.1", t0, "refund", "after-sales", "a-1", "unresolved", 2));
        assertThat(history.recent("c-2")).extracting(CustomerHistory.Past::conversationId).containsExactly("conv-3");
        assertThat(history.recent("nobody")).isEmpty();
    }

    @Test
    void customerHistoryIsBoundedToTheNewestConversations() {
        MongoCustomerHistoryStore history = new MongoCustomerHistoryStore(db);
        Instant t0 = Instant.parse("2026-11-01T08:00:00Z");
        int total = CustomerHistoryStore.KEPT + 7;
        for (int i = 0; i < total; i++) {
            history.record("c-1", new CustomerHistory.Past("conv-" + i, t0.plusSeconds(i), "refund", "q", null,
                    "resolved", null));
        }

        List<CustomerHistory.Past> recent = history.recent("c-1");

        assertThat(recent).hasSize(CustomerHistoryStore.KEPT);
        assertThat(recent.get(0).conversationId()).isEqualTo("conv-" + (total - 1));
        assertThat(recent.get(recent.size() - 1).conversationId()).isEqualTo("conv-" + (total - CustomerHistoryStore.KEPT));
        Document stored = db.getCollection("customer_history").find(new Document("_id", "c-1")).first();
        assertThat(stored.get("entries", Document.class)).as("trimmed in the database, not only in the answer")
                .hasSize(CustomerHistoryStore.KEPT);
    }

    /** Runs the task on {@code threads} threads released together; returns the results in thread order. */
    static <T> List<T> race(int threads, Task<T> task) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            CountDownLatch ready = new CountDownLatch(threads);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<T>> futures = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                int thread = i;
                Callable<T> call = () -> {
                    ready.countDown();
                    go.await();
                    return task.run(thread);
                };
                futures.add(pool.submit(call));
            }
            ready.await();
            go.countDown();
            List<T> results = new ArrayList<>();
            for (Future<T> f : futures) {
                results.add(f.get(2, TimeUnit.MINUTES));
            }
            return results;
        } finally {
            pool.shutdownNow();
        }
    }
}
