package io.convrouter.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import com.mongodb.ConnectionString;
import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.convrouter.store.mongo.EmbeddedMongo;

/** What publishing stores, and that it never throws into routing. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventOutboxTest {
    private final EventsFixture f = new EventsFixture();

    @BeforeEach
    void setUp() {
        f.newDatabase();
    }

    @AfterAll
    void closeAll() {
        f.close();
    }

    @Test
    void storesEachEventWithTheNextSequenceOfItsConversation() {
        EventOutbox outbox = new EventOutbox(f.store, null, f.clock);
        outbox.publish(f.event(RoutingEvent.QUEUED, "conv-1", 1));
        outbox.publish(f.event(RoutingEvent.OFFERED, "conv-2", 1));
        f.clock.advance(Duration.ofSeconds(3));
        outbox.publish(new RoutingEvent(RoutingEvent.TIMED_OUT, "conv-1", "a-1", null,
                Map.of("reason", RoutingEventsReason.NO_ANSWER, "after", Duration.ofSeconds(120))));

        MongoEventStore.OutboxRecord third = f.store.find("conv-1-2").orElseThrow();
        assertThat(third.event().seq()).isEqualTo(2);
        assertThat(third.event().stream()).isEqualTo("conv-1");
        assertThat(third.event().type()).isEqualTo(RoutingEvent.TIMED_OUT);
        assertThat(third.event().agentId()).isEqualTo("a-1");
        assertThat(third.event().at()).as("no time given: the time it was published").isEqualTo(EventsFixture.T0.plusSeconds(3));
        assertThat(third.event().storedAt()).isEqualTo(EventsFixture.T0.plusSeconds(3));
        assertThat(third.event().data()).containsEntry("reason", "NO_ANSWER").containsEntry("after", "PT2M");
        assertThat(third.deliveries()).isEmpty();
        assertThat(f.store.find("conv-2-1")).isPresent();
        assertThat(f.store.size()).isEqualTo(3);
        assertThat(outbox.stats().published()).isEqualTo(3);
    }

    enum RoutingEventsReason { NO_ANSWER }

    @Test
    void sequencesStayGaplessWhenManyThreadsPublishForOneConversation() throws Exception {
        EventOutbox outbox = new EventOutbox(f.store, null, f.clock);
        Thread[] threads = new Thread[8];
        for (int t = 0; t < threads.length; t++) {
            int thread = t;
            threads[t] = new Thread(() -> {
                for (int i = 0; i < 50; i++) {
                    outbox.publish(new RoutingEvent(RoutingEvent.RELAXED, "conv-1", null, f.clock.instant(),
                            Map.of("thread", thread, "i", i)));
                }
            });
            threads[t].start();
        }
        for (Thread t : threads) {
            t.join(TimeUnit.SECONDS.toMillis(30));
        }
        List<Long> seqs = new java.util.ArrayList<>();
        f.store.forEach(r -> seqs.add(r.event().seq()));
        assertThat(seqs).hasSize(400).doesNotHaveDuplicates();
        assertThat(seqs.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(400);
    }

    @Test
    void publishNeverThrowsWhenTheDatabaseIsAwayAndCountsWhatWasLost() {
        EmbeddedMongo doomed = EmbeddedMongo.inMemory();
        MongoClient client = MongoClients.create(MongoClientSettings.builder()
                .applyConnectionString(new ConnectionString(doomed.connectionString()))
                .applyToClusterSettings(b -> b.serverSelectionTimeout(200, TimeUnit.MILLISECONDS))
                .applyToSocketSettings(b -> b.connectTimeout(200, TimeUnit.MILLISECONDS).readTimeout(500, TimeUnit.MILLISECONDS))
                .build());
        try {
            EventOutbox outbox = new EventOutbox(new MongoEventStore(client.getDatabase("events")), null, f.clock);
            doomed.close();
            assertThatCode(() -> {
                for (int i = 0; i < 3; i++) {
                    outbox.publish(f.event(RoutingEvent.CLOSED, "conv-" + i, 1));
                }
                outbox.publish(null);
                outbox.publish(new RoutingEvent(" ", "conv-1", null, null, null));
            }).doesNotThrowAnyException();
            assertThat(outbox.stats().publishFailures()).isEqualTo(5);
            assertThat(outbox.stats().published()).isZero();
        } finally {
            client.close();
        }
    }
}
