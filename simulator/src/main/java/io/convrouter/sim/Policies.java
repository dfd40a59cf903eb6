package io.convrouter.sim;

import java.util.Map;

/** The routing policies a run compares. */
public final class Policies {
    /** The rules, then the real dispatcher (offers, relaxation, sticky, overflow, wrap-up...). */
    public static final String DISPATCHER = "dispatcher";
    /** The same, with the OptaPlanner rebalancer run periodically. */
    public static final String DISPATCHER_REBALANCER = "dispatcher+rebalancer";
    /** Baseline: a random agent among those with the skills (any level) and the language; FIFO queue. */
    public static final String RANDOM = "random";
    /** Baseline: the agent with the skills and language who got work least recently; FIFO queue. */
    public static final String ROUND_ROBIN = "round-robin";
    /** Baseline: the least loaded agent speaking the language, skills ignored; FIFO queue. */
    public static final String LEAST_BUSY = "least-busy";
    /** Baseline: one FIFO queue for everything; the longest idle agent takes the first call, skills and language ignored. */
    public static final String POOLED_FIFO = "pooled-fifo";

    static final Map<String, String> DESCRIPTIONS = Map.of(
            DISPATCHER, "the rules classify, the dispatcher routes (priority with aging, skill levels, relaxation, "
                    + "sticky agent, offers, wrap-up)",
            DISPATCHER_REBALANCER, "as dispatcher, plus the OptaPlanner rebalancer every few seconds",
            RANDOM, "baseline: a random free agent with the skills (any level) and the language; one FIFO line",
            ROUND_ROBIN, "baseline: the free agent with the skills and language who got work least recently; FIFO",
            LEAST_BUSY, "baseline: the least loaded free agent speaking the language, skills ignored; FIFO",
            POOLED_FIFO, "baseline: one pooled FIFO queue, the longest idle free agent takes it; skills and language ignored");

    private Policies() {}

    static boolean isCore(String policy) {
        return policy.equals(DISPATCHER) || policy.equals(DISPATCHER_REBALANCER);
    }
}
