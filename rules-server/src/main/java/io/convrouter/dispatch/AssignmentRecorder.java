package io.convrouter.dispatch;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.convrouter.audit.DecisionInputs;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.events.RoutingEvent;
import io.convrouter.events.RoutingEvents;
import io.convrouter.ids.Ids;

/**
 * Writes a decision, and publishes an event, for everything the dispatcher did: each conversation
 * it assigned or offered, each offer that timed out or was rejected, each reclaim, relaxation,
 * and agent set away.
 */
public final class AssignmentRecorder {
    private final DecisionLog log;
    private final RoutingEvents events;
    private final Clock clock;

    public AssignmentRecorder(DecisionLog log, Clock clock) {
        this(log, RoutingEvents.NONE, clock);
    }

    public AssignmentRecorder(DecisionLog log, RoutingEvents events, Clock clock) {
        this.log = log;
        this.events = events;
        this.clock = clock;
    }

    public void record(List<Assignment> assignments, String trigger) {
        for (Assignment a : assignments) {
            boolean offered = a.conversation().status() == ConversationStatus.OFFERED;
            log.append(new DecisionRecord(Ids.newId(), offered ? DecisionKind.OFFERED : DecisionKind.ASSIGNED,
                    clock.instant(), a.conversation().id(), a.conversation().rulesetVersion(),
                    DecisionInputs.of(a.conversation()), List.of(), a.conversation().plan(), a.candidates(), a.agentId(),
                    offered ? "offered" : "assigned", "waited in queue " + a.conversation().plan().queue() + "; " + trigger
                            + (offered ? "; the agent must accept by " + a.conversation().progress().offerExpiresAt() : ""),
                    a.decisionNanos() / 1000));
            events.publish(new RoutingEvent(offered ? RoutingEvent.OFFERED : RoutingEvent.ACCEPTED, a.conversation().id(),
                    a.agentId(), clock.instant(), data(a.conversation().plan().queue(), offered
                            ? a.conversation().progress().offerExpiresAt() : null)));
        }
    }

    public void record(Dispatched dispatched, String trigger) {
        for (DispatchNote n : dispatched.notes()) {
            DecisionKind kind = switch (n.kind()) {
                case OFFER_TIMED_OUT -> DecisionKind.TIMED_OUT;
                case REJECTED -> DecisionKind.REJECTED;
                case RECLAIMED -> DecisionKind.RECLAIMED;
                case RELAXED -> DecisionKind.RELAXED;
                case AGENT_SET_AWAY -> DecisionKind.AGENT_SET_AWAY;
            };
            log.append(new DecisionRecord(Ids.newId(), kind, clock.instant(), n.conversation().id(),
                    n.conversation().rulesetVersion(), DecisionInputs.of(n.conversation()), List.of(),
                    n.conversation().plan(), n.candidates(), n.agentId(), kind.wireName(), n.reason(), 0));
            String type = switch (n.kind()) {
                case OFFER_TIMED_OUT -> RoutingEvent.TIMED_OUT;
                case REJECTED -> RoutingEvent.REJECTED;
                case RECLAIMED -> RoutingEvent.RECLAIMED;
                case RELAXED -> n.reason().contains("borrowing agents") ? RoutingEvent.OVERFLOWED : RoutingEvent.RELAXED;
                case AGENT_SET_AWAY -> null;
            };
            if (type != null) {
                Map<String, Object> data = data(n.conversation().plan().queue(), null);
                data.put("reason", n.reason());
                events.publish(new RoutingEvent(type, n.conversation().id(), n.agentId(), clock.instant(), data));
            }
        }
        record(dispatched.assignments(), trigger);
    }

    private static Map<String, Object> data(String queue, Object offerExpiresAt) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queue", queue);
        if (offerExpiresAt != null) {
            data.put("offerExpiresAt", offerExpiresAt.toString());
        }
        return data;
    }
}
