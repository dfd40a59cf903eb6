package io.convrouter.events;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.ReentrantLock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The routing core's {@link RoutingEvents}: each event is stored in the outbox with the next sequence
 * number of its conversation and handed to the delivery worker, which sends it later. Publishing
 * never waits for an endpoint and never throws: when the event cannot be stored it is logged and
 * counted ({@link Stats#publishFailures()}).
 *
 * <p>Cost per event: one {@code _id} upsert (the sequence) and one insert by {@code _id}. Events of
 * one conversation are stored under a lock striped by conversation, so sequence order and the order
 * the worker receives them agree.
 */
public final class EventOutbox implements RoutingEvents {
    private static final Logger log = LoggerFactory.getLogger(EventOutbox.class);
    private static final Duration LOG_EVERY = Duration.ofMinutes(1);

    private final MongoEventStore store;
    private final WebhookDelivery delivery;
    private final Clock clock;
    private final ReentrantLock[] stripes = new ReentrantLock[256];
    private final LongAdder published = new LongAdder();
    private final LongAdder publishFailures = new LongAdder();
    private final AtomicReference<Instant> nextFailureLog = new AtomicReference<>(Instant.MIN);

    public EventOutbox(MongoEventStore store, WebhookDelivery delivery, Clock clock) {
        this.store = store;
        this.delivery = delivery;
        this.clock = clock;
        for (int i = 0; i < stripes.length; i++) {
            stripes[i] = new ReentrantLock();
        }
    }

    @Override
    public void publish(RoutingEvent event) {
        try {
            if (event == null || event.type() == null || event.type().isBlank()) {
                throw new IllegalArgumentException("an event needs a type");
            }
            Instant now = clock.instant();
            String stream = StoredEvent.streamOf(event);
            ReentrantLock lock = stripes[Math.floorMod(stream.hashCode(), stripes.length)];
            lock.lock();
            try {
                StoredEvent stored = StoredEvent.of(stream, store.nextSequence(stream), event, now);
                store.insert(stored);
                if (delivery != null) {
                    delivery.offer(stored);
                }
            } finally {
                lock.unlock();
            }
            published.increment();
        } catch (RuntimeException e) {
            publishFailures.increment();
            Instant now = safeNow();
            Instant next = nextFailureLog.get();
            if (!now.isBefore(next) && nextFailureLog.compareAndSet(next, now.plus(LOG_EVERY))) {
                log.warn("Routing event not stored ({} lost so far): {} {}: {}", publishFailures.sum(),
                        event == null ? null : event.type(), event == null ? null : event.conversationId(), e.toString());
            }
        }
    }

    private Instant safeNow() {
        try {
            return clock.instant();
        } catch (RuntimeException e) {
            return Instant.MAX;
        }
    }

    public Stats stats() {
        return new Stats(published.sum(), publishFailures.sum());
    }

    /** Events stored since start, and events that could not be stored (lost). */
    public record Stats(long published, long publishFailures) {}
}
