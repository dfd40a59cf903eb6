package io.convrouter.sim;

import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Progress of long runs on stderr: share of virtual time done and events per second, every few
 * seconds. It also keeps each policy's wall-clock and CPU time (the CPU time of the thread that ran
 * it: on a shared, busy machine that is the steadier measure of the simulator's speed).
 */
class Progress {
    static final Progress SILENT = new Progress(null, Long.MAX_VALUE);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    /** Time one policy's run took. */
    record Timing(double wallSeconds, double cpuSeconds, long events) {}

    private final PrintStream out;
    private final long everyNanos;
    private final ThreadLocal<long[]> runs = ThreadLocal.withInitial(() -> new long[] {System.nanoTime(), System.nanoTime(), cpuNanos()});
    private final Map<String, Timing> timings = new ConcurrentHashMap<>();

    Progress(PrintStream out, long everyMillis) {
        this.out = out;
        this.everyNanos = everyMillis == Long.MAX_VALUE ? Long.MAX_VALUE : everyMillis * 1_000_000;
    }

    private static long cpuNanos() {
        return THREADS.isCurrentThreadCpuTimeSupported() ? THREADS.getCurrentThreadCpuTime() : -1;
    }

    /** A run begins on this thread. */
    void started(String policy) {
        long now = System.nanoTime();
        runs.set(new long[] {now, now, cpuNanos()});
    }

    void report(String policy, double doneShare, long events) {
        if (out == null) {
            return;
        }
        long[] run = runs.get();
        long now = System.nanoTime();
        if (now - run[1] < everyNanos) {
            return;
        }
        run[1] = now;
        double seconds = (now - run[0]) / 1e9;
        out.printf(Locale.ROOT, "[%s] %.1f%% of virtual time, %,d events, %,.0f events/s%n", policy,
                Math.min(100, doneShare * 100), events, events / Math.max(1e-9, seconds));
    }

    /** Wall-clock seconds since the run on this thread started. */
    double elapsedSeconds() {
        return (System.nanoTime() - runs.get()[0]) / 1e9;
    }

    void done(String policy, long events) {
        long[] run = runs.get();
        long cpu = cpuNanos();
        Timing t = new Timing(elapsedSeconds(), run[2] < 0 || cpu < 0 ? Double.NaN : (cpu - run[2]) / 1e9, events);
        timings.put(policy, t);
        if (out == null) {
            return;
        }
        out.printf(Locale.ROOT, "[%s] done: %,d events in %.1f s, %.1f s of CPU (%,.0f events/s)%n", policy, events,
                t.wallSeconds(), t.cpuSeconds(), events / Math.max(1e-9, t.wallSeconds()));
    }

    /** The time each finished policy took. */
    Map<String, Timing> timings() {
        return Map.copyOf(timings);
    }
}
