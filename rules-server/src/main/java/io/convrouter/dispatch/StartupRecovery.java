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
                boolean valid = c.isPresent() && (c.get().status() == ConversationStatus.ASSIGNED
                        || c.get().status() == ConversationStatus.OFFERED) && agent.id().equals(c.get().agentId());
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
        for (ConversationRecord c : conversations.findOffered()) {
            boolean held = agents.find(c.agentId()).map(a -> a.holds(c.id())).orElse(false);
            if (!held && conversations.markDeclined(c.id(), ConversationStatus.OFFERED, c.agentId()).isPresent()) {
                requeued++;
            }
        }
        List<ConversationRecord> queued = conversations.findQueued();
        Dispatched dispatched = dispatcher.reload(agents.findAll(), queued, conversations.findOffered(),
                conversations.findAssigned());
        recorder.record(dispatched, "assigned when the server started");
        int assigned = dispatched.assignments().size();
        return new Report(released, requeued, queued.size() - assigned, assigned);
    }
}
