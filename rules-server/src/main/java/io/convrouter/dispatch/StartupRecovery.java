package io.convrouter.dispatch;

import java.time.Clock;
import java.util.List;
import java.util.Optional;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentStore;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;

/**
 * Makes agents' load and conversations' status agree after a crash, then rebuilds the queue.
 * An assignment is two writes (reserve the agent, then mark the conversation); a crash between
 * them leaves a reservation for a conversation that still waits, which this hands back.
 */
public final class StartupRecovery {
    private final AgentStore agents;
    private final ConversationStore conversations;
    private final Dispatcher dispatcher;
    private final AssignmentRecorder recorder;
    private final Clock clock;

    public StartupRecovery(AgentStore agents, ConversationStore conversations, Dispatcher dispatcher,
                           AssignmentRecorder recorder, Clock clock) {
        this.agents = agents;
        this.conversations = conversations;
        this.dispatcher = dispatcher;
        this.recorder = recorder;
        this.clock = clock;
    }

    public record Report(int reservationsReleased, int conversationsRequeued, int waiting, int assignedAtStart) {}

    public Report run() {
        int released = 0;
        for (Agent agent : agents.findAll()) {
            for (Agent.ActiveConversation held : agent.active()) {
                Optional<ConversationRecord> c = conversations.find(held.conversationId());
                boolean valid = c.isPresent() && c.get().status() == ConversationStatus.ASSIGNED
                        && agent.id().equals(c.get().agentId());
                if (!valid) {
                    agents.release(agent.id(), held.conversationId(), clock.instant());
                    released++;
                }
            }
        }
        int requeued = 0;
        for (ConversationRecord c : conversations.findAssigned()) {
            boolean held = agents.find(c.agentId()).map(a -> a.holds(c.id())).orElse(false);
            if (!held && conversations.markRequeued(c.id(), c.agentId())) {
                requeued++;
            }
        }
        List<ConversationRecord> queued = conversations.findQueued();
        List<Assignment> assigned = dispatcher.reload(agents.findAll(), queued);
        recorder.record(assigned, "assigned when the server started");
        return new Report(released, requeued, queued.size() - assigned.size(), assigned.size());
    }
}
