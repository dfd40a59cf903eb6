package io.convrouter.dispatch;

import io.convrouter.agents.AgentStore;
import io.convrouter.conversation.ConversationStore;

/**
 * The in-memory stores of this package's tests ({@link FakeAgentStore}, {@link FakeConversationStore}:
 * the MongoDB stores' atomic claims, in memory) for tests in other packages, typed as the store
 * interfaces.
 */
public final class InMemoryStores {
    private InMemoryStores() {}

    public static AgentStore agents() {
        return new FakeAgentStore();
    }

    public static ConversationStore conversations() {
        return new FakeConversationStore();
    }
}
