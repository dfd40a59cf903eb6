package io.convrouter.conversation;

import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentStore;
import io.convrouter.audit.DecisionInputs;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.dispatch.Assignment;
import io.convrouter.dispatch.AssignmentRecorder;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.errors.ConflictException;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.errors.NotFoundException;
import io.convrouter.ids.Ids;
import io.convrouter.store.Durability;

/**
 * Ends conversations: closed with an outcome, or abandoned by the customer. An agent's freed
 * capacity goes at once to the next waiting conversation it can serve.
 */
public final class LifecycleService {
    private final ConversationStore conversations;
    private final AgentStore agents;
    private final Dispatcher dispatcher;
    private final DecisionLog decisions;
    private final AssignmentRecorder assignments;
    private final Durability durability;
    private final Clock clock;

    public LifecycleService(ConversationStore conversations, AgentStore agents, Dispatcher dispatcher,
                            DecisionLog decisions, Durability durability, Clock clock) {
        this.conversations = conversations;
        this.agents = agents;
        this.dispatcher = dispatcher;
        this.decisions = decisions;
        this.assignments = new AssignmentRecorder(decisions, clock);
        this.durability = durability;
        this.clock = clock;
    }

    public ConversationRecord get(String id) {
        return conversations.find(id).orElseThrow(() -> new NotFoundException("conversation", id));
    }

    public ConversationRecord close(String id, String outcome, Integer satisfaction) {
        Outcome parsed = Outcome.parse(outcome).orElseThrow(() -> InvalidInputException.of("outcome",
                outcome == null ? "is required; one of resolved, unresolved, converted"
                        : "'" + outcome + "' is not an outcome; use resolved, unresolved or converted"));
        if (satisfaction != null && (satisfaction < 1 || satisfaction > 5)) {
            throw InvalidInputException.of("satisfaction", "must be 1-5, was " + satisfaction);
        }
        return end(id, ConversationStatus.CLOSED, parsed, satisfaction);
    }

    public ConversationRecord abandon(String id) {
        return end(id, ConversationStatus.ABANDONED, null, null);
    }

    private ConversationRecord end(String id, ConversationStatus finalStatus, Outcome outcome, Integer satisfaction) {
        long start = System.nanoTime();
        for (int attempt = 0; attempt < 5; attempt++) {
            ConversationRecord current = get(id);
            if (current.status().isFinal()) {
                throw new ConflictException("conversation " + id + " is already " + current.status().wireName());
            }
            Instant now = clock.instant();
            Optional<ConversationRecord> ended = conversations.markEnded(id, current.status(), finalStatus, now,
                    outcome, satisfaction);
            if (ended.isEmpty()) {
                continue; // its status changed under us (assigned meanwhile): read it again
            }
            List<Assignment> next = List.of();
            switch (current.status()) {
                case QUEUED -> dispatcher.withdraw(id);
                case ASSIGNED -> {
                    Optional<Agent> freed = agents.release(current.agentId(), id, now);
                    if (freed.isPresent()) {
                        next = dispatcher.agentChanged(freed.get());
                    }
                }
                default -> { }
            }
            DecisionKind kind = finalStatus == ConversationStatus.CLOSED ? DecisionKind.CLOSED : DecisionKind.ABANDONED;
            String reason = switch (current.status()) {
                case QUEUED -> "ended while waiting in queue " + current.plan().queue();
                case ASSIGNED -> "ended by agent " + current.agentId() + "; capacity freed";
                default -> "ended while with the bot";
            };
            decisions.append(new DecisionRecord(Ids.newId(), kind, now, id, current.rulesetVersion(),
                    DecisionInputs.of(current), List.of(), current.plan(), List.of(), current.agentId(),
                    outcome == null ? finalStatus.wireName() : outcome.wireName(),
                    reason + (satisfaction == null ? "" : "; satisfaction " + satisfaction),
                    (System.nanoTime() - start) / 1000));
            assignments.record(next, "capacity freed when conversation " + id + " ended");
            durability.awaitDurable();
            return ended.get();
        }
        throw new ConflictException("conversation " + id + " kept changing while it was being ended; try again");
    }
}
