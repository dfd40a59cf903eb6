package io.convrouter.dispatch;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;

/**
 * The first {@code limit} items in an order, kept while the items stream past: a heap holding the
 * worst kept item on top, so an item that cannot make the cut costs one comparison. For a total
 * order the result equals sorting everything and taking the first {@code limit}.
 */
final class BestOf<T> {

    private final int limit;
    private final Comparator<? super T> order;
    private final PriorityQueue<T> kept;

    BestOf(int limit, Comparator<? super T> order) {
        this.limit = limit;
        this.order = order;
        this.kept = new PriorityQueue<>(Math.max(1, limit), order.reversed());
    }

    void offer(T item) {
        if (limit <= 0) {
            return;
        }
        if (kept.size() < limit) {
            kept.add(item);
        } else if (order.compare(item, kept.peek()) < 0) {
            kept.poll();
            kept.add(item);
        }
    }

    /** The kept items, first in order first. */
    List<T> inOrder() {
        List<T> sorted = new ArrayList<>(kept);
        sorted.sort(order);
        return sorted;
    }
}
