package io.convrouter.dispatch;

import java.util.List;

import io.convrouter.audit.Candidate;
import io.convrouter.conversation.ConversationRecord;

/** A conversation given to an agent, with the candidates that were weighed. */
public record Assignment(ConversationRecord conversation, String agentId, List<Candidate> candidates,
                         long decisionNanos) {}
