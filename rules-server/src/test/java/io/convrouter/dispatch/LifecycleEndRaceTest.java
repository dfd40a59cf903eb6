package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.LifecycleService;
import io.convrouter.store.Durability;

/**
 * LifecycleService ending a conversation that moves to another agent between the service reading
 * it and ending it: the capacity to give back is the agent's that held it when it ended.
 */
class LifecycleEndRaceTest {

    @Test
    void closingAConversationThatWasReofferedMeanwhileFreesTheAgentThatHeldIt() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(30));
        h.agent("a").capacity("web", 1).online();
        h.agent("b").capacity("web", 1).online();
        h.submit("c-1", plan());                                 // offered to a
        LifecycleService lifecycle = new LifecycleService(h.conversations, h.agents, h.dispatcher, new MemoryLog(),
                Durability.NONE, h.clock);
        // The close request has read c-1 (offered to a) when a rejects it and it is offered to b.
        h.conversations.beforeNextMarkEnded("c-1", () -> h.dispatcher.reject("c-1", "a"));

        lifecycle.close("c-1", "resolved", null);

        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.CLOSED);
        assertThat(h.stored("a").totalLoad()).isZero();
        assertThat(h.stored("b").holds("c-1")).as("b still holds the closed conversation").isFalse();
        assertThat(h.stored("b").totalLoad()).isZero();
    }

    /** Decisions kept in memory; only appending matters here. */
    private static final class MemoryLog implements DecisionLog {
        private final List<DecisionRecord> records = new ArrayList<>();

        @Override
        public synchronized void append(DecisionRecord decision) {
            records.add(decision);
        }

        @Override
        public synchronized void appendIfAbsent(DecisionRecord decision) {
            if (records.stream().noneMatch(r -> r.id().equals(decision.id()))) {
                records.add(decision);
            }
        }

        @Override
        public synchronized List<DecisionRecord> forConversation(String conversationId) {
            return records.stream().filter(r -> conversationId.equals(r.conversationId())).toList();
        }

        @Override
        public List<DecisionRecord> find(DecisionQuery query) {
            return List.of();
        }

        @Override
        public long count(DecisionQuery query) {
            return 0;
        }
    }
}
