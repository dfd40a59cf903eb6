package io.convrouter.rebalance;

import java.util.Map;
import java.util.Set;

/**
 * An agent as the solver sees it: a problem fact. Capacity is what is left after the
 * conversations the agent has accepted (pinned: the solver never moves those).
 *
 * @param available     online, not wrapping up, inside its queues' hours: may be given work now
 * @param freePlaces    per channel, places left after accepted work
 * @param freeUnits     weighted capacity left after accepted work (milli-units)
 * @param pinnedLoad    accepted conversations it holds (count toward balance)
 * @param performance   per intent, the agent's smoothed score 0-1 (resolution and satisfaction)
 */
public record PlanAgent(String id, boolean available, Map<String, Integer> skills, Set<String> languages,
                        Set<String> teams, Set<String> queues, Map<String, Integer> freePlaces, int freeUnits,
                        int pinnedLoad, Map<String, Double> performance) {

    public int freeOn(String channel) {
        return freePlaces.getOrDefault(channel, 0);
    }

    public int level(String skill) {
        return skills.getOrDefault(skill, 0);
    }

    public boolean speaks(String language) {
        if (language == null) {
            return true;
        }
        String wanted = primary(language);
        return languages.stream().anyMatch(l -> primary(l).equals(wanted));
    }

    public boolean serves(Set<String> queuesAllowed) {
        return queues.isEmpty() || queuesAllowed.isEmpty() || queuesAllowed.stream().anyMatch(queues::contains);
    }

    public double performanceOn(String intent) {
        return performance.getOrDefault(intent == null ? "" : intent, 0.5);
    }

    private static String primary(String tag) {
        int dash = tag.indexOf('-');
        return (dash < 0 ? tag : tag.substring(0, dash)).toLowerCase(java.util.Locale.ROOT);
    }

    /**
     * One agent is one id within a plan. The score groups conversations by agent at every move, and
     * a record's own equals and hashCode would walk every skill, language and capacity map each time.
     */
    @Override
    public boolean equals(Object o) {
        return this == o || (o instanceof PlanAgent other && id.equals(other.id));
    }

    @Override
    public int hashCode() {
        return id.hashCode();
    }

    @Override
    public String toString() {
        return id;
    }
}
