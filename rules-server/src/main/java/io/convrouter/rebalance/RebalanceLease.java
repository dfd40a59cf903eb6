package io.convrouter.rebalance;

import java.time.Duration;
import java.time.Instant;

/** Lets only one server instance rebalance at a time when several share one database. */
public interface RebalanceLease {

    /** True when {@code holder} holds the lease until {@code now + ttl} (taken, or renewed). */
    boolean acquire(String holder, Instant now, Duration ttl);

    RebalanceLease ALWAYS = (holder, now, ttl) -> true;
}
