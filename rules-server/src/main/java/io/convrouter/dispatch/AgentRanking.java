package io.convrouter.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.Map;

import io.convrouter.agents.Agent;

/**
 * How eligible agents are ranked for a conversation: the plan's preferred agent first, then the
 * lowest load ratio on the conversation's channel, then the agent idle longest, then the agent
 * id so that ties always break the same way.
 */
final class AgentRanking {

    private AgentRanking() {}

    static Comparator<Agent> forConversation(String channel, String preferredAgentId) {
        Comparator<Agent> preferredFirst = Comparator.comparing(a -> !a.id().equals(preferredAgentId));
        return preferredFirst
                .thenComparingDouble((Agent a) -> a.loadRatio(channel))
                .thenComparing(a -> a.idleSince() == null ? Instant.MIN : a.idleSince())
                .thenComparing(Agent::id);
    }

    static Map<String, Object> scoreParts(Agent a, String channel, String preferredAgentId, Instant now) {
        Map<String, Object> score = new LinkedHashMap<>();
        if (a.id().equals(preferredAgentId)) {
            score.put("preferred", true);
        }
        score.put("loadRatio", Math.round(a.loadRatio(channel) * 1000) / 1000.0);
        score.put("load", a.loadOn(channel) + "/" + a.capacityFor(channel));
        if (a.idleSince() != null) {
            score.put("idleSeconds", Math.max(0, Duration.between(a.idleSince(), now).toSeconds()));
        }
        return score;
    }
}
