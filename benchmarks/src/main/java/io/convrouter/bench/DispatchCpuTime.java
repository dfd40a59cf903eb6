package io.convrouter.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.Arrays;
import java.util.Locale;

/**
 * {@link DispatchBenchmark}'s two decisions, on the same backlogs, measured in CPU time of the
 * measuring thread per decision instead of JMH's wall-clock time: on a machine shared with other
 * work, time spent descheduled is not counted. Each decision is timed on its own (the backlog is
 * restored between decisions, outside the timing); the first {@code warmup} decisions of each
 * backlog are left out; the median and the 90th percentile of the rest are printed.
 *
 * <p>Usage (from the project root): {@code java -cp benchmarks/target/benchmarks.jar
 * io.convrouter.bench.DispatchCpuTime [agents,...] [waiting,...] [decisions] [warmup]} (defaults
 * {@code 100,1000,2000 500,5000,20000 2000 2000}).
 */
public final class DispatchCpuTime {
    private static volatile Object sink;

    public static void main(String[] args) {
        int[] agentCounts = ints(args.length > 0 ? args[0] : "100,1000,2000");
        int[] waitingCounts = ints(args.length > 1 ? args[1] : "500,5000,20000");
        int decisions = args.length > 2 ? Integer.parseInt(args[2]) : 2000;
        int warmup = args.length > 3 ? Integer.parseInt(args[3]) : 2000;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        System.out.println("agents waiting | arrives: median p90 (us) | frees a place: median p90 (us), share assigned");
        for (int agents : agentCounts) {
            for (int waiting : waitingCounts) {
                DispatchBenchmark.Arrival arrival = new DispatchBenchmark.Arrival();
                arrival.agents = agents;
                arrival.waiting = waiting;
                arrival.buildBacklog();
                double[] submit = new double[decisions];
                for (int i = -warmup; i < decisions; i++) {
                    arrival.arrive();
                    long t0 = threads.getCurrentThreadCpuTime();
                    sink = arrival.dispatcher.submit(arrival.next);
                    long t1 = threads.getCurrentThreadCpuTime();
                    arrival.leave();
                    if (i >= 0) {
                        submit[i] = (t1 - t0) / 1000.0;
                    }
                }
                arrival.check();

                DispatchBenchmark.FreedPlace freed = new DispatchBenchmark.FreedPlace();
                freed.agents = agents;
                freed.waiting = waiting;
                freed.buildBacklog();
                double[] free = new double[decisions];
                int assigned = 0;
                for (int i = -warmup; i < decisions; i++) {
                    freed.free();
                    long t0 = threads.getCurrentThreadCpuTime();
                    var taken = freed.dispatcher.agentChanged(freed.agent);
                    long t1 = threads.getCurrentThreadCpuTime();
                    sink = taken;
                    freed.refill();
                    if (i >= 0) {
                        free[i] = (t1 - t0) / 1000.0;
                        assigned += taken.isEmpty() ? 0 : 1;
                    }
                }
                System.out.printf(Locale.ROOT, "%6d %7d | %8.1f %8.1f | %8.1f %8.1f, %.0f%%%n", agents, waiting,
                        percentile(submit, 50), percentile(submit, 90), percentile(free, 50), percentile(free, 90),
                        100.0 * assigned / decisions);
            }
        }
    }

    private static int[] ints(String csv) {
        return Arrays.stream(csv.split(",")).mapToInt(Integer::parseInt).toArray();
    }

    private static double percentile(double[] values, int p) {
        double[] s = values.clone();
        Arrays.sort(s);
        return s[Math.min(s.length - 1, (int) Math.ceil(p / 100.0 * s.length) - 1)];
    }
}
