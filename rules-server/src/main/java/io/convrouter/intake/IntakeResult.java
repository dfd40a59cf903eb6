package io.convrouter.intake;

import java.util.List;

import io.convrouter.classify.FiredRule;
import io.convrouter.conversation.ConversationRecord;

/**
 * The answer to an intake: the conversation as it now stands, whether it was created by this
 * request (false when the same channel and external id had arrived before), and the rules that
 * fired when it was created.
 */
public record IntakeResult(ConversationRecord conversation, boolean created, List<FiredRule> rulesFired,
                           int queuePosition) {}
