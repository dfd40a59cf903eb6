package io.convrouter.audit;

import java.util.List;

/** The append-only log of routing decisions. */
public interface DecisionLog {

    void append(DecisionRecord decision);

    /** Appends unless a decision with the same id is stored already (two writers recovering the same one). */
    void appendIfAbsent(DecisionRecord decision);

    /** One conversation's decisions, oldest first. */
    List<DecisionRecord> forConversation(String conversationId);

    /** Decisions matching the query, newest first. */
    List<DecisionRecord> find(DecisionQuery query);

    long count(DecisionQuery query);

    /**
     * Every decision matching the query (its page and size are ignored), oldest first. Stores
     * override this with a single cursor; the default pages through {@link #find}.
     */
    default void forEach(DecisionQuery query, java.util.function.Consumer<DecisionRecord> action) {
        int size = 500;
        java.util.List<DecisionRecord> all = new java.util.ArrayList<>();
        for (int page = 0; ; page++) {
            List<DecisionRecord> batch = find(new DecisionQuery(query.from(), query.to(), query.conversationId(),
                    query.agentId(), query.rule(), query.queue(), page, size));
            all.addAll(batch);
            if (batch.size() < size) {
                break;
            }
        }
        java.util.Collections.reverse(all);
        all.forEach(action);
    }
}
