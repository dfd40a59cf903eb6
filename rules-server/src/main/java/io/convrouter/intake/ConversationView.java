package io.convrouter.intake;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.convrouter.classify.FiredRule;
import io.convrouter.conversation.ConversationRecord;

/**
 * A conversation as the API returns it. The first eight fields are the intake contract:
 * id, status, queue, priority, intent, requiredSkills, agentId, decisionId.
 */
public record ConversationView(
        String id,
        String status,
        String queue,
        int priority,
        String intent,
        Map<String, Integer> requiredSkills,
        String agentId,
        String decisionId,
        String channel,
        String externalId,
        String language,
        String team,
        int slaSeconds,
        boolean botFirst,
        String preferredAgentId,
        Integer queuePosition,
        Long estimatedWaitSeconds,
        Instant offerExpiresAt,
        Instant acceptedAt,
        Instant firstReplyAt,
        java.util.Set<String> declinedBy,
        int reroutes,
        String rulesetVersion,
        List<FiredRule> rulesFired,
        Instant createdAt,
        Instant assignedAt,
        Instant endedAt,
        String outcome,
        Integer satisfaction,
        ConversationRecord.CustomerInfo customer,
        ConversationRecord.EntryInfo entry,
        String text) {

    public static ConversationView of(ConversationRecord c, List<FiredRule> rulesFired, int queuePosition) {
        return of(c, rulesFired, queuePosition, null);
    }

    public static ConversationView of(ConversationRecord c, List<FiredRule> rulesFired, int queuePosition,
                                      io.convrouter.dispatch.WaitEstimate estimate) {
        var p = c.plan();
        var progress = c.progress();
        return new ConversationView(c.id(), c.status().wireName(), p.queue(), p.priority(), p.intent(),
                p.requiredSkills(), c.agentId(), c.decisionId(), c.channel(), c.externalId(), p.language(), p.team(),
                p.slaSeconds(), p.botFirst(), p.preferredAgentId(), queuePosition > 0 ? queuePosition : null,
                estimate == null ? null : estimate.estimatedWaitSeconds(), progress.offerExpiresAt(),
                progress.acceptedAt(), progress.firstReplyAt(), progress.declinedBy(), progress.reroutes(),
                c.rulesetVersion(), rulesFired, c.createdAt(), c.assignedAt(), c.endedAt(),
                c.outcome() == null ? null : c.outcome().wireName(), c.satisfaction(), c.customer(), c.entry(),
                c.text());
    }
}
