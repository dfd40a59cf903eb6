package io.convrouter.sim;

import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.audit.DecisionRecord;

/**
 * The decision log of a simulated run: it counts decisions by kind and keeps nothing else (a month
 * of traffic writes hundreds of thousands). Queries are refused rather than answered wrongly.
 */
final class CountingDecisionLog implements DecisionLog {
    private final Map<DecisionKind, Long> counts = new EnumMap<>(DecisionKind.class);

    @Override
    public void append(DecisionRecord decision) {
        counts.merge(decision.kind(), 1L, Long::sum);
    }

    @Override
    public void appendIfAbsent(DecisionRecord decision) {
        append(decision);
    }

    @Override
    public List<DecisionRecord> forConversation(String conversationId) {
        throw new UnsupportedOperationException("the simulator's decision log keeps counts only");
    }

    @Override
    public List<DecisionRecord> find(DecisionQuery query) {
        throw new UnsupportedOperationException("the simulator's decision log keeps counts only");
    }

    @Override
    public long count(DecisionQuery query) {
        throw new UnsupportedOperationException("the simulator's decision log keeps counts only");
    }

    /** Decisions written, by kind (wire name), in the order of the kinds. */
    Map<String, Long> counts() {
        Map<String, Long> m = new LinkedHashMap<>();
        counts.forEach((k, n) -> m.put(k.wireName(), n));
        return m;
    }
}
