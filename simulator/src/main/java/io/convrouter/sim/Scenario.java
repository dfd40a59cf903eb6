package io.convrouter.sim;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * A scenario ready to run: the policies (rules and workbench directories), the calls that will
 * arrive (generated once from the seed, so every policy sees exactly the same customers), the
 * agents with the times they are online, and how agents and the report behave. Times are virtual
 * epoch milliseconds.
 *
 * @param file        the scenario file as named on the command line
 * @param start       when the simulated period starts
 * @param end         when arrivals stop (calls still in the system are then served, or given up
 *                    on after {@link #DRAIN_MILLIS})
 * @param traffic     what the calls were made from, for the report
 */
public record Scenario(String file, String name, long seed, Path rulesDir, Path workbenchDir, long start, long end,
                       List<Call> calls, List<AgentSpec> agents, AgentBehaviour behaviour, ReportSettings report,
                       RebalanceSettings rebalance, List<String> policies, Map<String, Object> traffic) {

    /** How long after the end the simulation keeps going to let the calls in the system finish. */
    public static final long DRAIN_MILLIS = 24L * 3600 * 1000;

    public Scenario {
        calls = List.copyOf(calls);
        agents = List.copyOf(agents);
        policies = List.copyOf(policies);
    }

    /** The same scenario with another seed's calls: used for independent replications. */
    public Scenario withCalls(long newSeed, List<Call> newCalls) {
        return new Scenario(file, name, newSeed, rulesDir, workbenchDir, start, end, newCalls, agents, behaviour, report,
                rebalance, policies, traffic);
    }

    public Scenario withPolicies(List<String> newPolicies) {
        return new Scenario(file, name, seed, rulesDir, workbenchDir, start, end, calls, agents, behaviour, report,
                rebalance, newPolicies, traffic);
    }

    public Instant startInstant() {
        return Instant.ofEpochMilli(start);
    }

    /**
     * One customer contact. {@code intent} names the scenario's intent class (what decides its
     * service time); the rules classify it from its channel, text and fields like any other.
     *
     * @param patienceMillis how long the customer waits before hanging up; {@link #NO_PATIENCE_LIMIT}: for ever
     * @param resolved       whether the agent resolves it (the outcome it is closed with)
     */
    public record Call(int index, String id, long arrival, String channel, String text, String language,
                       String customerId, String tier, Map<String, String> fields, String intent, long serviceMillis,
                       long patienceMillis, boolean resolved) {
        public static final long NO_PATIENCE_LIMIT = Long.MAX_VALUE;

        public Call {
            fields = fields == null ? Map.of() : Map.copyOf(fields);
        }
    }

    /** An agent and the times it is online ({@code from} inclusive, {@code to} exclusive, sorted, disjoint). */
    public record AgentSpec(String id, String name, Map<String, Integer> skills, List<String> languages,
                            List<String> teams, Map<String, Integer> capacity, List<String> queues, Integer maxUnits,
                            List<Interval> online) {
        public AgentSpec {
            skills = Map.copyOf(skills);
            languages = List.copyOf(languages);
            teams = List.copyOf(teams);
            capacity = Map.copyOf(capacity);
            queues = List.copyOf(queues);
            online = List.copyOf(online);
        }

        /** True when the agent has every skill at least at the level asked. */
        public boolean hasSkills(Map<String, Integer> asked) {
            for (Map.Entry<String, Integer> s : asked.entrySet()) {
                if (skills.getOrDefault(s.getKey(), 0) < s.getValue()) {
                    return false;
                }
            }
            return true;
        }
    }

    public record Interval(long from, long to) {}

    /**
     * How simulated agents answer offers: after {@code acceptMillis} they accept, or reject (a
     * {@code rejectShare} of offers), or let it ring until it times out (an {@code ignoreShare});
     * accepted conversations get a first reply after {@code firstReplyMillis}.
     */
    public record AgentBehaviour(long acceptMillis, double rejectShare, double ignoreShare, long firstReplyMillis) {
        public static final AgentBehaviour DEFAULT = new AgentBehaviour(3000, 0, 0, 10_000);
    }

    /** Service level threshold, the width of the waiting-over-time buckets, and the warm-up not measured. */
    public record ReportSettings(int serviceLevelSeconds, int bucketMinutes, long warmUpMillis) {}

    /** How often the rebalancer runs, and when one solve stops (steps without a better score). */
    public record RebalanceSettings(int intervalSeconds, int unimprovedSteps) {}
}
