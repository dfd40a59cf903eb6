package io.convrouter.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.function.ToDoubleFunction;

import io.convrouter.agents.Agent;
import io.convrouter.conversation.ConversationRecord;

/**
 * Conversations waiting for an agent. Order: priority, raised by aging (each queue adds its
 * points per minute waited, so low priority cannot starve), then time waiting (oldest first),
 * then id. Not thread-safe: the dispatcher guards it.
 *
 * <p>Waiting conversations are grouped by their current requirements: every conversation of a
 * group is eligible for the same agents, and a group belongs to one queue, so its order does not
 * change with time. Finding the first conversation a freed agent can serve checks each group's
 * head once, instead of walking a queue that may hold thousands.
 */
final class WaitingQueue {

    /**
     * A waiting conversation with what it needs now, how that was worked out, and when it next
     * changes (null: never).
     */
    record Entry(ConversationRecord conversation, Requirements requirements, List<String> steps, Instant nextChangeAt) {
        String id() {
            return conversation.id();
        }
    }

    private final ToDoubleFunction<String> agingPerMinute;
    private final Map<String, Entry> byId = new HashMap<>();
    private final Map<Requirements, TreeSet<Entry>> groups = new HashMap<>();
    private final Map<String, TreeSet<Entry>> byQueue = new HashMap<>();

    WaitingQueue(ToDoubleFunction<String> agingPerMinute) {
        this.agingPerMinute = agingPerMinute;
    }

    WaitingQueue() {
        this(queue -> 0);
    }

    /**
     * Within one queue the order never changes: "priority + rate x minutes waited" ranks the same
     * at every moment as "priority - rate x minutes since the epoch at which it started waiting".
     */
    private Comparator<Entry> queueOrder(String queue) {
        double rate = agingPerMinute.applyAsDouble(queue);
        return Comparator.comparingDouble((Entry e) -> -(e.conversation().plan().priority()
                        - rate * e.conversation().queuedAt().getEpochSecond() / 60.0))
                .thenComparing(e -> e.conversation().queuedAt())
                .thenComparing(Entry::id);
    }

    /** The priority a waiting conversation has now, with aging. */
    double effectivePriority(ConversationRecord c, Instant now) {
        double minutes = Math.max(0, Duration.between(c.queuedAt(), now).toMillis() / 60_000.0);
        return c.plan().priority() + agingPerMinute.applyAsDouble(c.plan().queue()) * minutes;
    }

    /** Across queues: effective priority now, then waiting longest, then id. */
    Comparator<ConversationRecord> orderAt(Instant now) {
        return Comparator.comparingDouble((ConversationRecord c) -> -effectivePriority(c, now))
                .thenComparing(ConversationRecord::queuedAt)
                .thenComparing(ConversationRecord::id);
    }

    void add(Entry e) {
        remove(e.id());
        byId.put(e.id(), e);
        String queue = e.conversation().plan().queue();
        groups.computeIfAbsent(e.requirements(), k -> new TreeSet<>(queueOrder(queue))).add(e);
        byQueue.computeIfAbsent(queue, k -> new TreeSet<>(queueOrder(queue))).add(e);
    }

    boolean remove(String id) {
        Entry e = byId.remove(id);
        if (e == null) {
            return false;
        }
        removeFrom(groups, e.requirements(), e);
        removeFrom(byQueue, e.conversation().plan().queue(), e);
        return true;
    }

    private static <K> void removeFrom(Map<K, TreeSet<Entry>> index, K key, Entry e) {
        TreeSet<Entry> set = index.get(key);
        if (set != null) {
            set.remove(e);
            if (set.isEmpty()) {
                index.remove(key);
            }
        }
    }

    boolean contains(String id) {
        return byId.containsKey(id);
    }

    Optional<Entry> get(String id) {
        return Optional.ofNullable(byId.get(id));
    }

    /** The first conversation in order that this agent may take now, if any. */
    Optional<Entry> firstServableBy(Agent agent, Instant now) {
        Comparator<ConversationRecord> order = orderAt(now);
        Entry best = null;
        for (TreeSet<Entry> group : groups.values()) {
            Entry head = group.first();
            if ((best == null || order.compare(head.conversation(), best.conversation()) < 0)
                    && Eligibility.isEligible(agent, head.requirements(), now)) {
                best = head;
            }
        }
        return Optional.ofNullable(best);
    }

    /** Conversations waiting in their sticky window for this agent only. */
    List<String> heldFor(String agentId) {
        List<String> held = new ArrayList<>();
        for (Map.Entry<Requirements, TreeSet<Entry>> group : groups.entrySet()) {
            if (agentId.equals(group.getKey().onlyAgent())) {
                group.getValue().forEach(e -> held.add(e.id()));
            }
        }
        return held;
    }

    /** 1-based position among the conversations waiting in the same queue, or 0 when not waiting. */
    int positionInQueue(String id) {
        Entry e = byId.get(id);
        if (e == null) {
            return 0;
        }
        return byQueue.get(e.conversation().plan().queue()).headSet(e).size() + 1;
    }

    /** Waiting conversations of a queue, first in line first. */
    List<Entry> inQueue(String queue) {
        TreeSet<Entry> q = byQueue.get(queue);
        return q == null ? List.of() : new ArrayList<>(q);
    }

    Collection<String> queues() {
        return byQueue.keySet();
    }

    /** Everything waiting, in order at {@code now}. */
    List<Entry> inOrder(Instant now) {
        Comparator<ConversationRecord> order = orderAt(now);
        List<Entry> all = new ArrayList<>(byId.values());
        all.sort((a, b) -> order.compare(a.conversation(), b.conversation()));
        return all;
    }

    int size() {
        return byId.size();
    }

    void clear() {
        byId.clear();
        groups.clear();
        byQueue.clear();
    }
}
