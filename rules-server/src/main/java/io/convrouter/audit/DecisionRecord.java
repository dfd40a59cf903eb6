package io.convrouter.audit;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.convrouter.classify.Classification;
import io.convrouter.classify.FiredRule;

/**
 * One decision about one conversation, with everything an auditor needs to see why: the inputs,
 * the ruleset version, the rules that fired and where they live, the plan, every candidate agent
 * with why it lost, the chosen agent, and how long deciding took.
 */
public record DecisionRecord(
        String id,
        DecisionKind kind,
        Instant at,
        String conversationId,
        String rulesetVersion,
        Map<String, Object> input,
        List<FiredRule> rulesFired,
        Classification.Plan plan,
        List<Candidate> candidates,
        String chosenAgentId,
        String outcome,
        String reason,
        long durationMicros) {

    public DecisionRecord {
        input = input == null ? Map.of() : input;
        rulesFired = rulesFired == null ? List.of() : List.copyOf(rulesFired);
        candidates = candidates == null ? List.of() : List.copyOf(candidates);
    }
}
