package io.convrouter.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.InMemoryStores;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.events.RoutingEvents;
import io.convrouter.store.Durability;
import io.convrouter.store.mongo.EmbeddedMongo;
import io.convrouter.store.mongo.MongoRebalanceLease;
import io.convrouter.support.MutableClock;

/**
 * The rebalancer's lease in MongoDB (the embedded server, in memory): two server instances, each
 * with its own client and its own {@link MongoRebalanceLease}, share one database.
 */
class RebalanceLeaseMongoTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration TTL = Duration.ofSeconds(30);

    private EmbeddedMongo mongo;
    private final List<MongoClient> clients = new ArrayList<>();

    @BeforeEach
    void startMongo() {
        mongo = EmbeddedMongo.inMemory();
    }

    @AfterEach
    void stopMongo() {
        clients.forEach(MongoClient::close);
        mongo.close();
    }

    /** What one server instance sees: its own client on the shared database. */
    private MongoDatabase instance() {
        MongoClient client = MongoClients.create(mongo.connectionString());
        clients.add(client);
        return client.getDatabase("convrouter");
    }

    @Test
    void theFirstInstanceTakesTheLeaseAndTheOtherIsRefusedUntilItLapses() {
        MongoRebalanceLease a = new MongoRebalanceLease(instance());
        MongoRebalanceLease b = new MongoRebalanceLease(instance());

        assertThat(a.acquire("a", T0, TTL)).isTrue();
        assertThat(b.acquire("b", T0.plusSeconds(1), TTL)).isFalse();
        assertThat(b.acquire("b", T0.plusSeconds(29), TTL)).isFalse();
        Document stored = lease(instance());
        assertThat(stored.getString("holder")).isEqualTo("a");
        assertThat(stored.getDate("until")).isEqualTo(Date.from(T0.plus(TTL)));
    }

    @Test
    void theHolderRenewsItsLeaseAndKeepsTheOtherOut() {
        MongoRebalanceLease a = new MongoRebalanceLease(instance());
        MongoRebalanceLease b = new MongoRebalanceLease(instance());
        assertThat(a.acquire("a", T0, TTL)).isTrue();

        assertThat(a.acquire("a", T0.plusSeconds(20), TTL)).isTrue();

        assertThat(lease(instance()).getDate("until")).isEqualTo(Date.from(T0.plusSeconds(20).plus(TTL)));
        assertThat(b.acquire("b", T0.plusSeconds(40), TTL)).as("within the renewed lease").isFalse();
    }

    @Test
    void theHolderRenewingAtTheSameInstantStillHoldsTheLease() {
        MongoRebalanceLease a = new MongoRebalanceLease(instance());
        MongoRebalanceLease b = new MongoRebalanceLease(instance());
        assertThat(a.acquire("a", T0, TTL)).isTrue();

        // The same holder and expiry are written again: nothing changes in the document.
        assertThat(a.acquire("a", T0, TTL)).as("renewed at the same instant").isTrue();

        assertThat(lease(instance()).getString("holder")).isEqualTo("a");
        assertThat(b.acquire("b", T0.plusSeconds(1), TTL)).isFalse();
    }

    @Test
    void onceTheLeaseLapsesAnotherInstanceTakesItOverAndTheOldHolderIsOut() {
        MongoRebalanceLease a = new MongoRebalanceLease(instance());
        MongoRebalanceLease b = new MongoRebalanceLease(instance());
        assertThat(a.acquire("a", T0, TTL)).isTrue();

        assertThat(b.acquire("b", T0.plus(TTL).plusSeconds(1), TTL)).isTrue();

        assertThat(lease(instance()).getString("holder")).isEqualTo("b");
        assertThat(a.acquire("a", T0.plus(TTL).plusSeconds(2), TTL)).isFalse();
    }

    @Test
    void whenManyInstancesRaceForAFreeLeaseExactlyOneGetsIt() throws Exception {
        assertThat(race(8, T0)).isEqualTo(1);
    }

    @Test
    void whenManyInstancesRaceToTakeOverALapsedLeaseExactlyOneGetsIt() throws Exception {
        assertThat(new MongoRebalanceLease(instance()).acquire("stopped", T0, TTL)).isTrue();

        assertThat(race(8, T0.plus(TTL).plusSeconds(5))).isEqualTo(1);
        assertThat(lease(instance()).getString("holder")).isNotEqualTo("stopped");
    }

    @Test
    void twoServicesOnOneDatabaseRebalanceOneAtATime() {
        MutableClock clock = new MutableClock(T0);
        Dispatcher dispatcher = new Dispatcher(InMemoryStores.agents(), InMemoryStores.conversations(), clock);
        RebalanceService one = service("one", dispatcher, new MongoRebalanceLease(instance()), clock);
        RebalanceService two = service("two", dispatcher, new MongoRebalanceLease(instance()), clock);

        RebalanceService.Report first = one.run();
        RebalanceService.Report second = two.run();

        assertThat(first.ran()).isTrue();
        assertThat(second.ran()).isFalse();
        assertThat(second.note()).isEqualTo("another server instance holds the rebalance lease");
        clock.advance(Duration.ofSeconds(10));
        assertThat(one.run().ran()).as("the holder runs again (and renews)").isTrue();
        assertThat(two.run().ran()).isFalse();
        clock.advance(TTL.plusSeconds(1));
        assertThat(two.run().ran()).as("the other takes over once the lease lapses").isTrue();
        assertThat(one.run().ran()).isFalse();
    }

    /** {@code n} instances each try to take the lease at the same moment; returns how many got it. */
    private int race(int n, Instant at) throws Exception {
        List<MongoRebalanceLease> leases = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            leases.add(new MongoRebalanceLease(instance()));
        }
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                MongoRebalanceLease lease = leases.get(i);
                String holder = "instance-" + i;
                Callable<Boolean> take = () -> {
                    start.await();
                    return lease.acquire(holder, at, TTL);
                };
                results.add(pool.submit(take));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> r : results) {
                if (r.get(1, TimeUnit.MINUTES)) {
                    won++;
                }
            }
            return won;
        } finally {
            pool.shutdownNow();
        }
    }

    private static Document lease(MongoDatabase db) {
        return db.getCollection("leases").find(new Document("_id", "rebalancer")).first();
    }

    private static RebalanceService service(String id, Dispatcher dispatcher, RebalanceLease lease, Clock clock) {
        return new RebalanceService(dispatcher, new Rebalancer(Duration.ofSeconds(5), 50), new PerformanceStats(),
                new RebalanceServiceTest.InMemoryDecisionLog(), RoutingEvents.NONE, lease, Durability.NONE, clock, id, TTL);
    }
}
