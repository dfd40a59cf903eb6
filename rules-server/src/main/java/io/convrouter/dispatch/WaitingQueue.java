package io.convrouter.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

import io.convrouter.conversation.ConversationRecord;

/**
 * Conversations waiting for an agent, ordered by priority (highest first), then age (oldest
 * first), then id. Not thread-safe: the dispatcher guards it.
 */
final class WaitingQueue {

    static final Comparator<ConversationRecord> ORDER = Comparator
            .comparingInt((ConversationRecord c) -> -c.plan().priority())
            .thenComparing(ConversationRecord::createdAt)
            .thenComparing(ConversationRecord::id);

    private final TreeSet<ConversationRecord> ordered = new TreeSet<>(ORDER);
    private final Map<String, ConversationRecord> byId = new HashMap<>();

    void add(ConversationRecord c) {
        if (byId.putIfAbsent(c.id(), c) == null) {
            ordered.add(c);
        }
    }

    boolean remove(String id) {
        ConversationRecord c = byId.remove(id);
        return c != null && ordered.remove(c);
    }

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    /** 1-based position in the queue, or 0 when the conversation is not waiting. */
    int positionOf(String id) {
        ConversationRecord c = byId.get(id);
        return c == null ? 0 : ordered.headSet(c).size() + 1;
    }

    /** 1-based position among the conversations waiting in the same queue, or 0 when not waiting. */
    int positionInQueue(String id) {
        ConversationRecord c = byId.get(id);
        if (c == null) {
            return 0;
        }
        String queue = c.plan().queue();
        int ahead = 0;
        for (ConversationRecord other : ordered.headSet(c)) {
            if (java.util.Objects.equals(queue, other.plan().queue())) {
                ahead++;
            }
        }
        return ahead + 1;
    }

    List<ConversationRecord> inOrder() {
        return new ArrayList<>(ordered);
    }

    int size() {
        return ordered.size();
    }

    void clear() {
        ordered.clear();
        byId.clear();
    }
}
