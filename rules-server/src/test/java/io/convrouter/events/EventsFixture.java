package io.convrouter.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.convrouter.store.mongo.EmbeddedMongo;
import io.convrouter.support.MutableClock;

/**
 * One in-memory embedded MongoDB per test class, a fresh database per test, a clock that only
 * moves when told, and the workers a test started (stopped afterwards).
 */
class EventsFixture {
    static final Instant T0 = Instant.parse("2026-11-11T08:00:00Z");
    static final String SECRET = "s3cr3t-for-tests-only";
    private static final AtomicInteger DATABASES = new AtomicInteger();

    static {
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("de.bwaldvogel"))
                .setLevel(ch.qos.logback.classic.Level.ERROR);
        ((ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger("org.mongodb.driver"))
                .setLevel(ch.qos.logback.classic.Level.WARN);
    }

    final EmbeddedMongo mongo = EmbeddedMongo.inMemory();
    final MongoClient client = MongoClients.create(mongo.connectionString());
    final MutableClock clock = new MutableClock(T0);
    final List<WebhookDelivery> workers = new ArrayList<>();
    MongoDatabase db;
    MongoEventStore store;

    void newDatabase() {
        clock.set(T0);
        db = client.getDatabase("events_" + DATABASES.incrementAndGet());
        store = new MongoEventStore(db);
    }

    /** Fast test settings: backoff 1 s doubling to 1 min, no jitter, poll every 20 ms, no periodic rescan. */
    static WebhookSettings settings() {
        return WebhookSettings.defaults()
                .withBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 10, 0.0)
                .withTimeouts(Duration.ofSeconds(2), Duration.ofSeconds(5))
                .withPolling(Duration.ofMillis(20), Duration.ZERO, Duration.ofSeconds(30));
    }

    static Webhook hook(String name, URI url, String... events) {
        return new Webhook(name, url, SECRET, List.of(events));
    }

    WebhookDelivery startWorker(WebhookSettings settings, Webhook... hooks) {
        return startWorker(false, settings, hooks);
    }

    WebhookDelivery startWorker(boolean soleInstance, WebhookSettings settings, Webhook... hooks) {
        WebhookDelivery w = new WebhookDelivery(store, List.of(hooks), settings, clock, soleInstance);
        workers.add(w);
        w.start();
        return w;
    }

    EventOutbox outbox(WebhookDelivery worker) {
        return new EventOutbox(store, worker, clock);
    }

    RoutingEvent event(String type, String conversationId, int step) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("step", step);
        data.put("queue", "general");
        return new RoutingEvent(type, conversationId, "a-1", clock.instant(), data);
    }

    static void settle(WebhookDelivery worker) {
        assertThat(worker.awaitIdle(Duration.ofSeconds(20))).as("worker settles").isTrue();
    }

    /** Moves the clock and lets the worker do everything that became due. */
    void advance(WebhookDelivery worker, Duration d) {
        clock.advance(d);
        settle(worker);
    }

    void close() {
        workers.forEach(WebhookDelivery::stop);
        client.close();
        mongo.close();
    }
}
