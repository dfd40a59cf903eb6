package io.convrouter.conversation;

import java.util.List;

import io.convrouter.classify.facts.CustomerHistory;

/**
 * Each customer's recent conversations, kept small and keyed by customer so that building the
 * history for a new conversation is one lookup by id, however large the conversation store.
 */
public interface CustomerHistoryStore {

    /** At most this many past conversations are kept per customer (newest). */
    int KEPT = 20;

    List<CustomerHistory.Past> recent(String customerId);

    /** Records (or updates) one conversation in the customer's history. */
    void record(String customerId, CustomerHistory.Past past);

    CustomerHistoryStore NONE = new CustomerHistoryStore() {
        @Override
        public List<CustomerHistory.Past> recent(String customerId) {
            return List.of();
        }

        @Override
        public void record(String customerId, CustomerHistory.Past past) { }
    };
}
