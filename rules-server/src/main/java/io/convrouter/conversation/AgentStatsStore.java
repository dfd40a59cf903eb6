package io.convrouter.conversation;

import java.util.function.Consumer;

/**
 * Each agent's record per intent (closed, resolved, satisfaction), kept so the performance
 * strategy survives restarts and is shared by every instance.
 */
public interface AgentStatsStore {

    void record(String agentId, String intent, boolean resolved, Integer satisfaction);

    /** Every stored record: agent, intent, closed, resolved, satisfaction sum and count. */
    void forEach(Consumer<Row> action);

    record Row(String agentId, String intent, long closed, long resolved, long satisfactionSum, long satisfactionCount) {}

    AgentStatsStore NONE = new AgentStatsStore() {
        @Override
        public void record(String agentId, String intent, boolean resolved, Integer satisfaction) { }

        @Override
        public void forEach(Consumer<Row> action) { }
    };
}
