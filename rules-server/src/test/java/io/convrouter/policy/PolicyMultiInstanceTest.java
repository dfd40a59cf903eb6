package io.convrouter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.convrouter.classify.Classifier;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RoutingInput;
import io.convrouter.store.mongo.EmbeddedMongo;
import io.convrouter.store.mongo.MongoPolicyStore;

/**
 * Two server instances sharing one MongoDB: each has its own PolicyService and store client over
 * the same database. An activation, rollback or experiment on one is followed by the other after
 * it syncs, and activations racing on both never lose a change (compare-and-set on the revision).
 */
class PolicyMultiInstanceTest {
    private static EmbeddedMongo mongo;
    private static MongoClient clientA;
    private static MongoClient clientB;
    private static PolicyValidator validator;

    private MongoPolicyStore storeA;
    private PolicyService a;
    private PolicyService b;

    @BeforeAll
    static void startMongo() {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("de.bwaldvogel"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        mongo = EmbeddedMongo.inMemory();
        clientA = MongoClients.create(mongo.connectionString());
        clientB = MongoClients.create(mongo.connectionString());
        validator = PolicyFixtures.validator();
    }

    @AfterAll
    static void stopMongo() {
        clientA.close();
        clientB.close();
        mongo.close();
    }

    /** Two instances on a database of this test's own, both started from the default rules. */
    @BeforeEach
    void twoInstances() {
        String db = "policy-" + UUID.randomUUID();
        storeA = new MongoPolicyStore(clientA.getDatabase(db));
        a = new PolicyService(storeA, validator, Clock.systemUTC());
        b = new PolicyService(new MongoPolicyStore(clientB.getDatabase(db)), validator, Clock.systemUTC());
        a.start(PolicyFixtures.defaultFiles(), false);
        b.start(PolicyFixtures.defaultFiles(), false);
        assertThat(b.routing().get().version()).isEqualTo(a.routing().get().version());
    }

    /** A valid version that routes refunds at priority {@code priority}. */
    private static List<PolicyFile> refundsAtPriority(int priority) {
        byte[] xlsx = PolicyFixtures.withCell(PolicyFixtures.bytes(PolicyFixtures.XLSX), "Routing", "E12", priority);
        return PolicyFixtures.defaultsWith("priority " + priority, xlsx);
    }

    private static int refundPriority(PolicyService instance) {
        return new RoutingInput("c-1", "web", "我要退款", "zh", "cust-1", "regular", false, null, 0, Set.of(), null, null,
                null, Map.of()).classify(new Classifier(), instance.routing().get(), PolicyFixtures.defaults())
                .plan().priority();
    }

    @Test
    void anActivationOnOneInstanceIsFollowedByTheOtherAfterItSyncs() {
        String first = a.routing().get().version();
        RulesetVersion v2 = a.submit(refundsAtPriority(65), "ops", "refunds more urgent", "test");
        assertThat(v2.status()).isEqualTo(RulesetStatus.CANDIDATE);
        assertThat(b.get(v2.version()).status()).as("the version is stored for every instance").isEqualTo(RulesetStatus.CANDIDATE);

        a.activate(v2.version(), "ops");

        assertThat(a.routing().get().version()).isEqualTo(v2.version());
        assertThat(refundPriority(a)).isEqualTo(65);
        assertThat(b.routing().get().version()).as("before it syncs").isEqualTo(first);
        b.syncFromStore();
        assertThat(b.routing().get().version()).isEqualTo(v2.version());
        assertThat(refundPriority(b)).isEqualTo(65);
        assertThat(b.get(v2.version()).status()).isEqualTo(RulesetStatus.ACTIVE);
        assertThat(b.get(first).status()).isEqualTo(RulesetStatus.RETIRED);

        // Roll back on the other instance: the first follows.
        b.rollback("ops");
        assertThat(b.routing().get().version()).isEqualTo(first);
        a.syncFromStore();
        assertThat(a.routing().get().version()).isEqualTo(first);
        assertThat(refundPriority(a)).isEqualTo(50);
    }

    @Test
    void anExperimentStartedOnOneInstanceSplitsTrafficOnTheOtherToo() {
        RulesetVersion v2 = a.submit(refundsAtPriority(70), "ops", null, "test");
        PolicyState started = a.startExperiment(v2.version(), 0.3, "ops");
        String id = started.experiment().id();

        assertThat(b.routing().experimentId()).isNull();
        b.syncFromStore();
        assertThat(b.routing().experimentId()).isEqualTo(id);
        for (int i = 0; i < 200; i++) {
            String customer = "cust-" + i;
            assertThat(b.routing().select(customer).ruleset().version())
                    .as("customer %s on both instances", customer)
                    .isEqualTo(a.routing().select(customer).ruleset().version());
        }

        assertThat(b.get(v2.version()).status()).as("the variant routes traffic").isEqualTo(RulesetStatus.ACTIVE);

        b.stopExperiment(id, "ops");
        assertThat(a.get(v2.version()).status()).isEqualTo(RulesetStatus.CANDIDATE);
        a.syncFromStore();
        assertThat(a.routing().experimentId()).isNull();
        assertThat(a.routing().select("cust-1").ruleset().version()).isEqualTo(started.activeVersion());
    }

    @Test
    void syncWithoutChangesKeepsTheSameRuleset() {
        var before = b.routing().get();
        b.syncFromStore();
        b.syncFromStore();
        assertThat(b.routing().get()).isSameAs(before);
    }

    @Test
    void concurrentActivationsOnBothInstancesNeverLoseAChange() throws Exception {
        List<String> versions = new ArrayList<>();
        for (int p : new int[] {55, 60, 65, 70}) {
            versions.add(a.submit(refundsAtPriority(p), "ops", null, "test").version());
        }
        long initialRevision = storeA.state().orElseThrow().revision();
        int rounds = 40;
        List<PolicyState> results = new CopyOnWriteArrayList<>();
        CountDownLatch go = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 2; t++) {
                PolicyService instance = t == 0 ? a : b;
                int offset = t * 2;
                done.add(pool.submit(() -> {
                    go.await();
                    for (int i = 0; i < rounds; i++) {
                        results.add(instance.activate(versions.get((i + offset) % versions.size()), "ops-" + offset));
                    }
                    return null;
                }));
            }
            go.countDown();
            for (Future<?> f : done) {
                f.get(5, TimeUnit.MINUTES);
            }
        } finally {
            pool.shutdownNow();
        }

        PolicyState last = storeA.state().orElseThrow();
        // Every change got a revision of its own: no two activations claimed the same one.
        Map<Long, Set<String>> versionsByRevision = new HashMap<>();
        for (PolicyState s : results) {
            versionsByRevision.computeIfAbsent(s.revision(), r -> new TreeSet<>()).add(s.activeVersion());
        }
        versionsByRevision.forEach((revision, vs) ->
                assertThat(vs).as("versions activated as revision %s", revision).hasSize(1));
        // Every revision in the store was some activation's change, none was written over unseen.
        Set<Long> expected = new TreeSet<>();
        for (long r = initialRevision + 1; r <= last.revision(); r++) {
            expected.add(r);
        }
        Set<Long> changes = new TreeSet<>(versionsByRevision.keySet());
        changes.removeIf(r -> r <= initialRevision);
        assertThat(changes).isEqualTo(expected);
        assertThat(last.revision() - initialRevision).as("changes made").isGreaterThanOrEqualTo(rounds);
        assertThat(versionsByRevision.get(last.revision())).containsExactly(last.activeVersion());

        // Both instances end on the stored active version.
        a.syncFromStore();
        b.syncFromStore();
        assertThat(a.routing().get().version()).isEqualTo(last.activeVersion());
        assertThat(b.routing().get().version()).isEqualTo(last.activeVersion());
        // And the version list agrees: exactly one version is active, the one routing traffic.
        assertThat(a.list()).filteredOn(v -> v.status() == RulesetStatus.ACTIVE).extracting(RulesetVersion::version)
                .containsExactly(last.activeVersion());
        assertThat(last.history()).doesNotContain(last.activeVersion()).doesNotHaveDuplicates();
    }

    @Test
    void theVersionListShowsOneActiveVersionEvenWhenStatusWritesOfTwoInstancesInterleave() throws Exception {
        List<String> versions = new ArrayList<>();
        for (int p : new int[] {55, 60}) {
            versions.add(a.submit(refundsAtPriority(p), "ops", null, "test").version());
        }
        String first = a.routing().get().version();
        // Instance C shares A's database; it stops right after its compare-and-set, before it
        // writes the version statuses, while instance B activates another version meanwhile.
        CountDownLatch swapped = new CountDownLatch(1);
        CountDownLatch resume = new CountDownLatch(1);
        PolicyStore paused = new PausingStore(storeA, swapped, resume);
        PolicyService c = new PolicyService(paused, validator, Clock.systemUTC());
        c.start(PolicyFixtures.defaultFiles(), false);
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<PolicyState> slow = pool.submit(() -> c.activate(versions.get(0), "ops-c"));
            assertThat(swapped.await(1, TimeUnit.MINUTES)).isTrue();
            b.activate(versions.get(1), "ops-b");
            resume.countDown();
            slow.get(1, TimeUnit.MINUTES);
        } finally {
            resume.countDown();
            pool.shutdownNow();
        }

        PolicyState state = storeA.state().orElseThrow();
        assertThat(state.activeVersion()).isEqualTo(versions.get(1));
        assertThat(a.list()).filteredOn(v -> v.status() == RulesetStatus.ACTIVE).extracting(RulesetVersion::version)
                .containsExactly(versions.get(1));
        assertThat(a.get(versions.get(0)).status()).isEqualTo(RulesetStatus.RETIRED);
        assertThat(a.get(first).status()).isEqualTo(RulesetStatus.RETIRED);
        assertThat(b.get(versions.get(1)).status()).isEqualTo(RulesetStatus.ACTIVE);
    }

    /** A store that, once a state change succeeds, holds its next status write until released. */
    private static final class PausingStore implements PolicyStore {
        private final PolicyStore delegate;
        private final CountDownLatch swapped;
        private final CountDownLatch resume;
        private volatile boolean armed;

        PausingStore(PolicyStore delegate, CountDownLatch swapped, CountDownLatch resume) {
            this.delegate = delegate;
            this.swapped = swapped;
            this.resume = resume;
        }

        @Override
        public boolean compareAndSetState(long expectedRevision, PolicyState next) {
            boolean ok = delegate.compareAndSetState(expectedRevision, next);
            if (ok && swapped.getCount() > 0) {
                armed = true;
                swapped.countDown();
            }
            return ok;
        }

        @Override
        public void updateStatus(String version, RulesetStatus status, java.time.Instant activatedAt, java.time.Instant retiredAt) {
            if (armed) {
                armed = false;
                try {
                    resume.await(1, TimeUnit.MINUTES);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            delegate.updateStatus(version, status, activatedAt, retiredAt);
        }

        @Override public boolean insert(RulesetVersion version, List<PolicyFile> files) { return delegate.insert(version, files); }
        @Override public java.util.Optional<RulesetVersion> find(String version) { return delegate.find(version); }
        @Override public List<RulesetVersion> list() { return delegate.list(); }
        @Override public List<PolicyFile> files(String version) { return delegate.files(version); }
        @Override public java.util.Optional<PolicyState> state() { return delegate.state(); }
        @Override public void saveExperiment(ExperimentRecord experiment) { delegate.saveExperiment(experiment); }
        @Override public List<ExperimentRecord> experiments() { return delegate.experiments(); }
        @Override public java.util.Optional<ExperimentRecord> experiment(String id) { return delegate.experiment(id); }
    }
}
