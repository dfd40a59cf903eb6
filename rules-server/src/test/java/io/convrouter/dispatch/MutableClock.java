package io.convrouter.dispatch;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * A clock the tests move by hand, so every dispatch timer (offer expiry, reclaim, relaxation,
 * sticky window, overflow, wrap-up, aging) runs in virtual time. Safe to read and move from many
 * threads; it never goes backwards unless {@link #set} is told to.
 */
final class MutableClock extends Clock {
    private Instant now;

    MutableClock(Instant start) {
        now = start;
    }

    synchronized void set(Instant instant) {
        now = instant;
    }

    synchronized Instant advance(Duration d) {
        now = now.plus(d);
        return now;
    }

    Instant advanceSeconds(long seconds) {
        return advance(Duration.ofSeconds(seconds));
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return this;
    }

    @Override
    public synchronized Instant instant() {
        return now;
    }
}
