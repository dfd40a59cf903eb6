package io.convrouter.classify;

import java.util.List;
import java.util.Map;

import io.convrouter.classify.facts.RoutingPlan;

/** What the rules decided for one conversation, which rules fired, and how long it took. */
public record Classification(Plan plan, List<FiredRule> rulesFired, String rulesetVersion, long nanos) {

    /** An immutable copy of the routing plan the rules filled. */
    public record Plan(String intent, String queue, Map<String, Integer> requiredSkills, String language,
                       String team, int priority, int slaSeconds, boolean botFirst, String preferredAgentId,
                       boolean dropped) {
        public Plan {
            requiredSkills = requiredSkills == null ? Map.of() : Map.copyOf(requiredSkills);
        }

        public Plan(String intent, String queue, Map<String, Integer> requiredSkills, String language, String team,
                    int priority, int slaSeconds, boolean botFirst, String preferredAgentId) {
            this(intent, queue, requiredSkills, language, team, priority, slaSeconds, botFirst, preferredAgentId, false);
        }

        public static Plan of(RoutingPlan p) {
            return new Plan(p.getIntent(), p.getQueue(), p.getRequiredSkills(),
                    p.getLanguage(), p.getTeam(), p.getPriority(), p.getSlaSeconds(), p.isBotFirst(),
                    p.getPreferredAgentId(), p.isDropped());
        }
    }
}
