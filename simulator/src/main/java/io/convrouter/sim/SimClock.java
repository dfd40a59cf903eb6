package io.convrouter.sim;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The virtual clock the routing core reads: it stands still until the event loop moves it. */
final class SimClock extends Clock {
    private long millis;

    SimClock(long startMillis) {
        this.millis = startMillis;
    }

    void set(long newMillis) {
        if (newMillis < millis) {
            throw new IllegalStateException("virtual time cannot go back: " + Instant.ofEpochMilli(newMillis)
                    + " is before " + Instant.ofEpochMilli(millis));
        }
        millis = newMillis;
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        throw new UnsupportedOperationException("the simulator's clock is UTC");
    }

    @Override
    public long millis() {
        return millis;
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis);
    }
}
