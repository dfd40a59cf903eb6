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
import io.convrouter.dispatch.Dispatched;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.events.RoutingEvent;
import io.convrouter.events.RoutingEvents;
import io.convrouter.workbench.Workbench;
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
    private final Workbench workbench;
    private final AgentStatsStore stats;
    private final RoutingEvents events;
    private final CustomerHistoryStore history;

    public LifecycleService(ConversationStore conversations, AgentStore agents, Dispatcher dispatcher,
                            DecisionLog decisions, Durability durability, Clock clock) {
        this(conversations, agents, dispatcher, decisions, durability, clock, null, AgentStatsStore.NONE,
                RoutingEvents.NONE, CustomerHistoryStore.NONE);
    }

    public LifecycleService(ConversationStore conversations, AgentStore agents, Dispatcher dispatcher,
                            DecisionLog decisions, Durability durability, Clock clock, Workbench workbench,
                            AgentStatsStore stats, RoutingEvents events, CustomerHistoryStore history) {
        this.conversations = conversations;
        this.agents = agents;
        this.dispatcher = dispatcher;
        this.decisions = decisions;
        this.events = events;
        this.assignments = new AssignmentRecorder(decisions, events, clock);
        this.durability = durability;
        this.clock = clock;
        this.workbench = workbench;
        this.stats = stats;
        this.history = history;
    }

    /** The agent accepts an offered conversation. */
    public ConversationRecord accept(String id, String agentId) {
        requireAgent(agentId);
        ConversationRecord current = get(id);
        long start = System.nanoTime();
        ConversationRecord accepted = dispatcher.accept(id, agentId);
        decisions.append(new DecisionRecord(Ids.newId(), DecisionKind.ACCEPTED, clock.instant(), id,
                accepted.rulesetVersion(), DecisionInputs.of(current), List.of(), accepted.plan(), List.of(), agentId,
                "accepted", "agent " + agentId + " accepted the offer", (System.nanoTime() - start) / 1000));
        events.publish(new RoutingEvent(RoutingEvent.ACCEPTED, id, agentId, clock.instant(),
                java.util.Map.of("queue", accepted.plan().queue())));
        durability.awaitDurable();
        return accepted;
    }

    /** The agent rejects an offered conversation: it goes to the next agent, never back to this one. */
    public ConversationRecord reject(String id, String agentId) {
        requireAgent(agentId);
        get(id);
        Dispatched d = dispatcher.reject(id, agentId);
        assignments.record(d, "routed again after agent " + agentId + " rejected conversation " + id);
        durability.awaitDurable();
        return get(id);
    }

    /** The agent sent its first reply (so the conversation is not reclaimed). */
    public ConversationRecord firstReply(String id, String agentId) {
        requireAgent(agentId);
        get(id);
        ConversationRecord c = dispatcher.firstReply(id, agentId);
        durability.awaitDurable();
        return c;
    }

    private static void requireAgent(String agentId) {
        if (agentId == null || agentId.isBlank()) {
            throw InvalidInputException.of("agentId", "is required: the agent acting on the conversation");
        }
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
            // The agent that held it when it ended: an offer may have moved to another agent since we read it.
            String holder = ended.get().agentId();
            List<Assignment> next = List.of();
            String wrapUp = "";
            switch (current.status()) {
                case QUEUED -> {
                    dispatcher.withdraw(id);
                    if (finalStatus == ConversationStatus.ABANDONED) {
                        dispatcher.abandoned(current);
                    }
                }
                case ASSIGNED, OFFERED -> {
                    dispatcher.withdraw(id);
                    int wrapSeconds = workbench != null && current.status() == ConversationStatus.ASSIGNED
                            && finalStatus == ConversationStatus.CLOSED
                            ? workbench.dispatchOf(current.plan().queue()).wrapUpSeconds() : 0;
                    if (wrapSeconds > 0) {
                        agents.startWrapUp(holder, now.plusSeconds(wrapSeconds));
                        wrapUp = "; agent wraps up for " + wrapSeconds + " s";
                    }
                    Optional<Agent> freed = agents.release(holder, id, now);
                    if (finalStatus == ConversationStatus.CLOSED && current.status() == ConversationStatus.ASSIGNED) {
                        boolean resolved = outcome == Outcome.RESOLVED || outcome == Outcome.CONVERTED;
                        dispatcher.closed(ended.get(), resolved, satisfaction);
                        stats.record(holder, current.plan().intent(), resolved, satisfaction);
                    }
                    if (freed.isPresent()) {
                        next = dispatcher.agentChanged(freed.get());
                    }
                }
                default -> { }
            }
            DecisionKind kind = finalStatus == ConversationStatus.CLOSED ? DecisionKind.CLOSED : DecisionKind.ABANDONED;
            String reason = switch (current.status()) {
                case QUEUED -> "ended while waiting in queue " + current.plan().queue();
                case ASSIGNED -> "ended by agent " + holder + "; capacity freed" + wrapUp;
                case OFFERED -> "ended while offered to agent " + holder + "; capacity freed";
                default -> "ended while " + current.status().wireName();
            };
            if (current.customer() != null && current.customer().id() != null) {
                history.record(current.customer().id(), new io.convrouter.classify.facts.CustomerHistory.Past(id,
                        current.createdAt(), current.plan().intent(), current.plan().queue(), holder,
                        outcome == null ? finalStatus.wireName() : outcome.wireName(), satisfaction));
            }
            events.publish(new RoutingEvent(finalStatus == ConversationStatus.CLOSED ? RoutingEvent.CLOSED
                    : RoutingEvent.ABANDONED, id, holder, now, outcome == null ? java.util.Map.of()
                    : java.util.Map.of("outcome", outcome.wireName())));
            decisions.append(new DecisionRecord(Ids.newId(), kind, now, id, current.rulesetVersion(),
                    DecisionInputs.of(current), List.of(), current.plan(), List.of(), holder,
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
