package io.convrouter.policy;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What would change if a candidate version had classified recorded traffic: how many
 * conversations would get a different queue, priority, skills or bot-first decision, which rules
 * are behind the changes, and examples to look at.
 */
public record ReplayReport(String version, Instant from, Instant to, long replayed, long changed,
                           Map<String, Long> changedBy, List<RuleEffect> byRule, List<Example> examples,
                           double decisionsPerSecond) {

    /**
     * A rule behind changed conversations: it fires now and did not before, no longer fires, or
     * fired in both but its conditions or actions were edited.
     */
    public record RuleEffect(String rule, long nowFires, long noLongerFires, long editedAndFired) {}

    public record Example(String conversationId, String decisionId, String text, Map<String, Object> before,
                          Map<String, Object> after, List<String> rulesBefore, List<String> rulesAfter) {}
}
