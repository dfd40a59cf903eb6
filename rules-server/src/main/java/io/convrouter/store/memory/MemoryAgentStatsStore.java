package io.convrouter.store.memory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

import io.convrouter.conversation.AgentStatsStore;

/** Agents' outcomes per intent in memory, counted as conversations close. Thread-safe. */
public final class MemoryAgentStatsStore implements AgentStatsStore {
    private final Map<String, Row> rows = new TreeMap<>();

    @Override
    public synchronized void record(String agentId, String intent, boolean resolved, Integer satisfaction) {
        String key = agentId + '\u0000' + (intent == null ? "" : intent);
        Row r = rows.getOrDefault(key, new Row(agentId, intent, 0, 0, 0, 0));
        rows.put(key, new Row(agentId, intent, r.closed() + 1, r.resolved() + (resolved ? 1 : 0),
                r.satisfactionSum() + (satisfaction == null ? 0 : satisfaction),
                r.satisfactionCount() + (satisfaction == null ? 0 : 1)));
    }

    /** Every record, by agent then intent. */
    @Override
    public void forEach(Consumer<Row> action) {
        List<Row> copy;
        synchronized (this) {
            copy = new ArrayList<>(rows.values());
        }
        copy.forEach(action);
    }
}
