package io.convrouter.dispatch;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Each agent's record on each intent, from closed conversations: how many were closed, resolved
 * (or converted), and the satisfaction given. The performance strategy ranks with it; estimates
 * are smoothed so that one lucky conversation does not outrank a long good record.
 */
public final class PerformanceStats {

    /** Counts for one agent on one intent. */
    public record Record(long closed, long resolved, long satisfactionSum, long satisfactionCount) {
        static final Record NONE = new Record(0, 0, 0, 0);

        /** Resolved share with one success and one failure assumed up front (Laplace smoothing). */
        public double resolutionRate() {
            return (resolved + 1.0) / (closed + 2.0);
        }

        /** Average satisfaction 1-5, pulled towards 3 by two neutral ratings assumed up front. */
        public double satisfaction() {
            return (satisfactionSum + 3.0 * 2) / (satisfactionCount + 2.0);
        }

        Record plus(boolean wasResolved, Integer csat) {
            return new Record(closed + 1, resolved + (wasResolved ? 1 : 0), satisfactionSum + (csat == null ? 0 : csat),
                    satisfactionCount + (csat == null ? 0 : 1));
        }
    }

    private final Map<String, Record> records = new ConcurrentHashMap<>();

    private static String key(String agentId, String intent) {
        return agentId + "\u0000" + (intent == null ? "" : intent);
    }

    public Record of(String agentId, String intent) {
        return records.getOrDefault(key(agentId, intent), Record.NONE);
    }

    public void put(String agentId, String intent, Record record) {
        records.put(key(agentId, intent), record);
    }

    /** Counts one closed conversation. */
    public void closed(String agentId, String intent, boolean resolved, Integer satisfaction) {
        records.merge(key(agentId, intent), Record.NONE.plus(resolved, satisfaction),
                (old, one) -> old.plus(resolved, satisfaction));
    }
}
