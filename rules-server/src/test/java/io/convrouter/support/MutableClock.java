package io.convrouter.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock the test moves by hand. Safe to read from other threads while the test thread moves it.
 * {@link #advance} and {@link #advanceTo} only move forward, so timers, service-level windows and
 * waits stay consistent for every test sharing a server.
 */
public final class MutableClock extends Clock {
    private final AtomicReference<Instant> now;

    public MutableClock(Instant start) {
        this.now = new AtomicReference<>(start);
    }

    @Override
    public Instant instant() {
        return now.get();
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    /** Not needed by the server (it works in UTC instants); a zoned view would have to follow this clock. */
    @Override
    public Clock withZone(ZoneId zone) {
        if (zone.equals(getZone())) {
            return this;
        }
        throw new UnsupportedOperationException("the test clock has no zoned views");
    }

    public Instant advance(Duration by) {
        if (by.isNegative()) {
            throw new IllegalArgumentException("the test clock only moves forward, not by " + by);
        }
        return now.updateAndGet(t -> t.plus(by));
    }

    /** Moves forward by whole seconds. */
    public Instant advanceSeconds(long seconds) {
        return advance(Duration.ofSeconds(seconds));
    }

    /**
     * Puts the clock at {@code instant}, earlier or later: for a test that owns its clock (a core
     * under test), never for one a shared server reads (use {@link #advanceTo}).
     */
    public void set(Instant instant) {
        now.set(instant);
    }

    /** Moves the clock to {@code at}, which must not be before the current time. */
    public Instant advanceTo(Instant at) {
        return now.updateAndGet(t -> {
            if (at.isBefore(t)) {
                throw new IllegalArgumentException("the test clock only moves forward: " + at + " is before " + t);
            }
            return at;
        });
    }
}
