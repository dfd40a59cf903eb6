package io.convrouter.store.memory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.convrouter.classify.facts.CustomerHistory;
import io.convrouter.conversation.CustomerHistoryStore;

/**
 * Customers' recent conversations in memory: each conversation once (recording it again, say when
 * it closes, updates its entry), the newest {@value #KEPT} per customer. Thread-safe.
 */
public final class MemoryCustomerHistoryStore implements CustomerHistoryStore {
    private static final Comparator<CustomerHistory.Past> NEWEST_FIRST =
            Comparator.comparing(CustomerHistory.Past::at).reversed().thenComparing(CustomerHistory.Past::conversationId);

    private final Map<String, Map<String, CustomerHistory.Past>> byCustomer = new HashMap<>();

    @Override
    public synchronized List<CustomerHistory.Past> recent(String customerId) {
        Map<String, CustomerHistory.Past> entries = byCustomer.get(customerId);
        if (entries == null) {
            return new ArrayList<>();
        }
        List<CustomerHistory.Past> result = new ArrayList<>(entries.values());
        result.sort(NEWEST_FIRST);
        return result;
    }

    @Override
    public synchronized void record(String customerId, CustomerHistory.Past past) {
        Map<String, CustomerHistory.Past> entries = byCustomer.computeIfAbsent(customerId, k -> new LinkedHashMap<>());
        entries.put(past.conversationId(), past);
        if (entries.size() > KEPT) {
            List<CustomerHistory.Past> all = new ArrayList<>(entries.values());
            all.sort(NEWEST_FIRST);
            for (CustomerHistory.Past old : all.subList(KEPT, all.size())) {
                entries.remove(old.conversationId());
            }
        }
    }
}
