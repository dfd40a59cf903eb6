package io.convrouter.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Map;

/**
 * What each queue has been doing lately, kept by the dispatcher from what it sees: how long
 * conversations take to handle (an average that follows recent ones), and for the last 15 minutes
 * which were answered within the SLA and which were abandoned. Not thread-safe: the dispatcher
 * guards it.
 */
final class QueueMetrics {
    static final Duration WINDOW = Duration.ofMinutes(15);
    /** Weight of the newest handle time in the running average. */
    private static final double SMOOTHING = 0.1;

    private record Outcome(Instant at, boolean withinSla, boolean abandoned) {}

    private final Map<String, Double> handleSeconds = new HashMap<>();
    private final Map<String, Deque<Outcome>> recent = new HashMap<>();

    void answered(String queue, Instant at, long waitedSeconds, int slaSeconds) {
        add(queue, new Outcome(at, slaSeconds <= 0 || waitedSeconds <= slaSeconds, false));
    }

    void abandoned(String queue, Instant at) {
        add(queue, new Outcome(at, false, true));
    }

    void handled(String queue, long seconds, int assumed) {
        // Start from the assumed time, so that one short (or long) first conversation does not replace it.
        handleSeconds.putIfAbsent(queue, (double) assumed);
        handleSeconds.merge(queue, (double) seconds, (old, now) -> old * (1 - SMOOTHING) + now * SMOOTHING);
    }

    double averageHandleSeconds(String queue, int assumed) {
        return handleSeconds.getOrDefault(queue, (double) assumed);
    }

    /** Share answered within the SLA among those answered or abandoned in the window; 1.0 with none. */
    double serviceLevel(String queue, Instant now) {
        Deque<Outcome> d = recent.get(queue);
        if (d == null) {
            return 1.0;
        }
        prune(d, now);
        if (d.isEmpty()) {
            return 1.0;
        }
        long ok = d.stream().filter(Outcome::withinSla).count();
        return (double) ok / d.size();
    }

    long answeredInWindow(String queue, Instant now) {
        Deque<Outcome> d = recent.get(queue);
        if (d == null) return 0;
        prune(d, now);
        return d.stream().filter(o -> !o.abandoned()).count();
    }

    long abandonedInWindow(String queue, Instant now) {
        Deque<Outcome> d = recent.get(queue);
        if (d == null) return 0;
        prune(d, now);
        return d.stream().filter(Outcome::abandoned).count();
    }

    /**
     * The wait for the conversation at {@code position} (1 = next): the conversations ahead of it
     * and itself, each taking the average handle time, spread over the agents' concurrent places.
     */
    static long estimatedWaitSeconds(int position, double averageHandleSeconds, int concurrentPlaces) {
        if (position <= 0) {
            return 0;
        }
        if (concurrentPlaces <= 0) {
            return -1; // no agent can serve it now: unknown
        }
        return Math.round(position * averageHandleSeconds / concurrentPlaces);
    }

    private void add(String queue, Outcome o) {
        Deque<Outcome> d = recent.computeIfAbsent(queue, k -> new ArrayDeque<>());
        d.addLast(o);
        prune(d, o.at());
    }

    private static void prune(Deque<Outcome> d, Instant now) {
        Instant cutoff = now.minus(WINDOW);
        while (!d.isEmpty() && d.peekFirst().at().isBefore(cutoff)) {
            d.pollFirst();
        }
    }
}
