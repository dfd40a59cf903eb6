package io.convrouter.dispatch;

import java.util.List;

import io.convrouter.audit.Candidate;
import io.convrouter.conversation.ConversationRecord;

/**
 * Something the dispatcher did besides assigning, for the decision log and the webhooks: an offer
 * timed out or was rejected, an accepted conversation was reclaimed, a waiting one was relaxed or
 * overflowed, an agent was set away.
 */
public record DispatchNote(Kind kind, ConversationRecord conversation, String agentId, String reason,
                           List<Candidate> candidates) {

    public enum Kind { OFFER_TIMED_OUT, REJECTED, RECLAIMED, RELAXED, AGENT_SET_AWAY }

    public DispatchNote {
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }
}
