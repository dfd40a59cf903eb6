package io.convrouter.events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How the outbox keeps events and how they are delivered.
 *
 * @param maxStored       most undelivered events kept (pending and parked); beyond it the oldest is dropped
 * @param backoffBase     wait after the first failed attempt; it doubles with every further failure
 * @param backoffCap      longest wait between two attempts
 * @param maxAttempts     attempts per event and endpoint before the event is parked as failed
 * @param jitter          0-1: each wait is shortened by a random fraction up to this, so retries spread out
 * @param connectTimeout  TCP/TLS connect timeout per request
 * @param requestTimeout  whole-request timeout (the endpoint must answer within it)
 * @param maxInFlight     concurrent requests per endpoint (one per conversation at most)
 * @param pollInterval    how often the worker looks at the clock when nothing wakes it
 * @param rescanInterval  how often the delivering instance re-reads the whole outbox (0, the default: only
 *                        when it starts delivering; events other instances store reach it through
 *                        {@code event_signals}). A safety net; on the embedded store a read of a large
 *                        outbox holds up writes while it runs
 * @param lease           how long the delivering instance's claim lasts without renewal; another instance
 *                        takes over delivery after it lapses
 */
public record WebhookSettings(int maxStored, Duration backoffBase, Duration backoffCap, int maxAttempts, double jitter,
                              Duration connectTimeout, Duration requestTimeout, int maxInFlight, Duration pollInterval,
                              Duration rescanInterval, Duration lease) {

    public static WebhookSettings defaults() {
        return new WebhookSettings(50_000, Duration.ofSeconds(1), Duration.ofMinutes(5), 15, 0.2,
                Duration.ofSeconds(2), Duration.ofSeconds(5), 8, Duration.ofMillis(250), Duration.ZERO,
                Duration.ofSeconds(30));
    }

    public WebhookSettings withBackoff(Duration base, Duration cap, int attempts, double jitter) {
        return new WebhookSettings(maxStored, base, cap, attempts, jitter, connectTimeout, requestTimeout, maxInFlight,
                pollInterval, rescanInterval, lease);
    }

    public WebhookSettings withMaxStored(int max) {
        return new WebhookSettings(max, backoffBase, backoffCap, maxAttempts, jitter, connectTimeout, requestTimeout,
                maxInFlight, pollInterval, rescanInterval, lease);
    }

    public WebhookSettings withTimeouts(Duration connect, Duration request) {
        return new WebhookSettings(maxStored, backoffBase, backoffCap, maxAttempts, jitter, connect, request,
                maxInFlight, pollInterval, rescanInterval, lease);
    }

    public WebhookSettings withPolling(Duration poll, Duration rescan, Duration leaseDuration) {
        return new WebhookSettings(maxStored, backoffBase, backoffCap, maxAttempts, jitter, connectTimeout,
                requestTimeout, maxInFlight, poll, rescan, leaseDuration);
    }

    /** What is wrong, each naming the property under {@code prefix} (e.g. routing.events). */
    public List<String> problems(String prefix) {
        List<String> p = new ArrayList<>();
        if (maxStored < 1) p.add(prefix + ".max-stored: must be at least 1");
        if (!positive(backoffBase)) p.add(prefix + ".retry.base: must be greater than 0");
        if (!positive(backoffCap) || (positive(backoffBase) && backoffCap.compareTo(backoffBase) < 0)) {
            p.add(prefix + ".retry.cap: must be at least retry.base");
        }
        if (maxAttempts < 1) p.add(prefix + ".retry.max-attempts: must be at least 1");
        if (!(jitter >= 0 && jitter < 1)) p.add(prefix + ".retry.jitter: must be 0 or more and less than 1");
        if (!positive(connectTimeout)) p.add(prefix + ".connect-timeout: must be greater than 0");
        if (!positive(requestTimeout)) p.add(prefix + ".request-timeout: must be greater than 0");
        if (maxInFlight < 1) p.add(prefix + ".max-in-flight: must be at least 1");
        if (!positive(pollInterval)) p.add(prefix + ".poll-interval: must be greater than 0");
        if (rescanInterval == null || rescanInterval.isNegative()) p.add(prefix + ".rescan-interval: must be 0 or more");
        if (!positive(lease) || (positive(requestTimeout) && lease.compareTo(requestTimeout.multipliedBy(2)) < 0)) {
            p.add(prefix + ".lease: must be at least twice request-timeout");
        }
        return p;
    }

    /**
     * The wait before the next attempt after {@code failures} failed ones (1, 2, ...): base doubling
     * per failure, at most the cap, shortened by up to {@code jitter} of itself.
     */
    public Duration backoff(int failures) {
        int shift = Math.max(0, Math.min(failures - 1, 40));
        long baseNanos = backoffBase.toNanos();
        long capNanos = backoffCap.toNanos();
        long nanos = baseNanos > (capNanos >> shift) ? capNanos : Math.min(capNanos, baseNanos << shift);
        if (jitter > 0) {
            nanos -= (long) (nanos * jitter * ThreadLocalRandom.current().nextDouble());
        }
        return Duration.ofNanos(Math.max(1, nanos));
    }

    private static boolean positive(Duration d) {
        return d != null && !d.isNegative() && !d.isZero();
    }
}
