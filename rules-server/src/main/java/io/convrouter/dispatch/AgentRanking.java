package io.convrouter.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.convrouter.agents.Agent;
import io.convrouter.workbench.QueueDispatch;

/**
 * How eligible agents are ranked for a conversation, by the queue's strategy. The plan's
 * preferred agent always comes first; every strategy ends with the agent id so ties always break
 * the same way.
 */
final class AgentRanking {

    private AgentRanking() {}

    /** What a ranking needs to know about the conversation. */
    record Context(String channel, String preferredAgentId, String intent, Map<String, Integer> skills,
                   QueueDispatch settings, PerformanceStats stats) {}

    static Comparator<Agent> forConversation(String channel, String preferredAgentId) {
        return of(new Context(channel, preferredAgentId, null, Map.of(), QueueDispatch.plain(), new PerformanceStats()));
    }

    static Comparator<Agent> of(Context c) {
        Comparator<Agent> preferredFirst = Comparator.comparing(a -> !a.id().equals(c.preferredAgentId()));
        Comparator<Agent> idle = Comparator.comparing(a -> a.idleSince() == null ? Instant.MIN : a.idleSince());
        Comparator<Agent> load = Comparator.comparingDouble(a -> a.loadRatio(c.channel()));
        Comparator<Agent> byStrategy = switch (c.settings().strategy()) {
            case "longest-idle" -> idle.thenComparing(load);
            case "round-robin" -> Comparator.comparing((Agent a) -> a.lastAssignedAt() == null ? Instant.MIN : a.lastAssignedAt())
                    .thenComparing(idle);
            case "best-skill" -> Comparator.comparingInt((Agent a) -> -skillScore(a, c.skills())).thenComparing(load)
                    .thenComparing(idle);
            case "performance" -> Comparator.comparingDouble((Agent a) -> -performance(a, c)).thenComparing(idle);
            default -> load.thenComparing(idle);
        };
        return preferredFirst.thenComparing(byStrategy).thenComparing(Agent::id);
    }

    /** The sum of the agent's levels in the required skills: who knows the matter best. */
    static int skillScore(Agent a, Map<String, Integer> skills) {
        int score = 0;
        for (String s : skills.keySet()) {
            score += a.skills().getOrDefault(s, 0);
        }
        return score;
    }

    /**
     * Resolution rate and satisfaction on this intent (smoothed), and spare capacity, weighted as
     * the queue says (defaults 0.6, 0.3, 0.1).
     */
    static double performance(Agent a, Context c) {
        PerformanceStats.Record r = c.stats().of(a.id(), c.intent());
        return c.settings().weight("resolution", 0.6) * r.resolutionRate()
                + c.settings().weight("satisfaction", 0.3) * (r.satisfaction() / 5.0)
                + c.settings().weight("spareCapacity", 0.1) * (1.0 - a.loadRatio(c.channel()));
    }

    static Map<String, Object> scoreParts(Agent a, Context c, Instant now) {
        Map<String, Object> score = new LinkedHashMap<>();
        if (a.id().equals(c.preferredAgentId())) {
            score.put("preferred", true);
        }
        score.put("strategy", c.settings().strategy());
        score.put("loadRatio", round(a.loadRatio(c.channel())));
        score.put("load", a.loadOn(c.channel()) + "/" + a.capacityFor(c.channel()));
        if (a.idleSince() != null) {
            score.put("idleSeconds", Math.max(0, Duration.between(a.idleSince(), now).toSeconds()));
        }
        switch (c.settings().strategy()) {
            case "round-robin" -> score.put("lastAssignedAt", a.lastAssignedAt());
            case "best-skill" -> score.put("skillScore", skillScore(a, c.skills()));
            case "performance" -> {
                PerformanceStats.Record r = c.stats().of(a.id(), c.intent());
                score.put("performance", round(performance(a, c)));
                score.put("resolutionRate", round(r.resolutionRate()));
                score.put("satisfaction", round(r.satisfaction()));
                score.put("closedOnIntent", r.closed());
            }
            default -> { }
        }
        return score;
    }

    private static double round(double v) {
        return Math.round(v * 1000) / 1000.0;
    }
}
