package io.convrouter.support;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A clock the test moves by hand. Safe to read from the server's request threads while the test
 * thread moves it. It only moves forward, so timers, service-level windows and waits stay
 * consistent for every test sharing the server.
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
