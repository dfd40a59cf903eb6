package io.convrouter.audit;

import java.util.List;

/** The append-only log of routing decisions. */
public interface DecisionLog {

    void append(DecisionRecord decision);

    /** One conversation's decisions, oldest first. */
    List<DecisionRecord> forConversation(String conversationId);

    /** Decisions matching the query, newest first. */
    List<DecisionRecord> find(DecisionQuery query);

    long count(DecisionQuery query);
}
