package io.convrouter.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeSet;

import io.convrouter.agents.Agent;
import io.convrouter.conversation.ConversationRecord;

/**
 * Conversations waiting for an agent, ordered by priority (highest first), then age (oldest
 * first), then id. Not thread-safe: the dispatcher guards it.
 *
 * <p>Waiting conversations are also grouped by what an agent needs to take them (channel, skills
 * with levels, language, team, preferred agent): every conversation of a group is eligible for
 * the same agents. So finding the first conversation a freed agent can serve checks each group's
 * head once, instead of walking a queue that may hold thousands.
 */
final class WaitingQueue {

    static final Comparator<ConversationRecord> ORDER = Comparator
            .comparingInt((ConversationRecord c) -> -c.plan().priority())
            .thenComparing(ConversationRecord::createdAt)
            .thenComparing(ConversationRecord::id);

    /** What decides which agents may take a conversation. */
    private record Requirements(String channel, Map<String, Integer> skills, String language, String team,
                                String preferredAgent) {
        static Requirements of(ConversationRecord c) {
            return new Requirements(c.channel(), c.plan().requiredSkills(), c.plan().language(), c.plan().team(),
                    c.plan().preferredAgentId());
        }
    }

    private final TreeSet<ConversationRecord> ordered = new TreeSet<>(ORDER);
    private final Map<String, ConversationRecord> byId = new HashMap<>();
    private final Map<Requirements, TreeSet<ConversationRecord>> groups = new HashMap<>();
    private final Map<String, TreeSet<ConversationRecord>> byQueue = new HashMap<>();

    void add(ConversationRecord c) {
        if (byId.putIfAbsent(c.id(), c) == null) {
            ordered.add(c);
            groups.computeIfAbsent(Requirements.of(c), k -> new TreeSet<>(ORDER)).add(c);
            byQueue.computeIfAbsent(c.plan().queue(), k -> new TreeSet<>(ORDER)).add(c);
        }
    }

    boolean remove(String id) {
        ConversationRecord c = byId.remove(id);
        if (c == null) {
            return false;
        }
        ordered.remove(c);
        removeFrom(groups, Requirements.of(c), c);
        removeFrom(byQueue, c.plan().queue(), c);
        return true;
    }

    private static <K> void removeFrom(Map<K, TreeSet<ConversationRecord>> index, K key, ConversationRecord c) {
        TreeSet<ConversationRecord> set = index.get(key);
        if (set != null) {
            set.remove(c);
            if (set.isEmpty()) {
                index.remove(key);
            }
        }
    }

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    /** The first conversation in queue order that this agent may take now, if any. */
    Optional<ConversationRecord> firstServableBy(Agent agent) {
        ConversationRecord best = null;
        for (TreeSet<ConversationRecord> group : groups.values()) {
            ConversationRecord head = group.first();
            if ((best == null || ORDER.compare(head, best) < 0) && Eligibility.isEligible(agent, head.channel(), head.plan())) {
                best = head;
            }
        }
        return Optional.ofNullable(best);
    }

    /** 1-based position among the conversations waiting in the same queue, or 0 when not waiting. */
    int positionInQueue(String id) {
        ConversationRecord c = byId.get(id);
        if (c == null) {
            return 0;
        }
        TreeSet<ConversationRecord> queue = byQueue.get(c.plan().queue());
        return Objects.requireNonNull(queue).headSet(c).size() + 1;
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
        groups.clear();
        byQueue.clear();
    }
}
