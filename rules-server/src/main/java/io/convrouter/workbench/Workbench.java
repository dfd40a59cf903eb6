package io.convrouter.workbench;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * What ops configure besides rules: channels, skills, teams, queues and routing defaults,
 * read from the workbench-config directory. Immutable.
 */
public record Workbench(
        Map<String, Channel> channels,
        Map<String, Skill> skills,
        Map<String, Team> teams,
        Map<String, Queue> queues,
        RoutingDefaults routing,
        List<DemoAgent> demoAgents,
        Map<String, BusinessCalendar> calendars) {

    public record Channel(String id, String name, String media, double capacityWeight) {}

    public record Skill(String id, String name, int maxLevel) {}

    public record Team(String id, String name) {}

    public record Queue(String id, String name, int slaSeconds, double serviceLevelTarget, QueueDispatch dispatch) {
        public Queue {
            dispatch = dispatch == null ? QueueDispatch.plain() : dispatch;
        }
    }

    /** The dispatch settings of a queue; plain settings for a queue the workbench does not know. */
    public QueueDispatch dispatchOf(String queueId) {
        Queue q = queueId == null ? null : queues.get(queueId);
        return q == null ? QueueDispatch.plain() : q.dispatch();
    }

    public record RoutingDefaults(String defaultQueue, int defaultPriority, int defaultSlaSeconds,
                                  String defaultLanguage, List<String> tiers, String defaultTier,
                                  int maxTextLength) {}

    public record DemoAgent(String id, String name, Map<String, Integer> skills, List<String> languages,
                            List<String> teams, Map<String, Integer> capacity) {}

    public Workbench {
        channels = Map.copyOf(channels);
        skills = Map.copyOf(skills);
        teams = Map.copyOf(teams);
        queues = Map.copyOf(queues);
        demoAgents = List.copyOf(demoAgents);
        calendars = calendars == null ? Map.of() : Map.copyOf(calendars);
    }

    /** The business-hours calendar of a queue, or empty when it is always open. */
    public Optional<BusinessCalendar> calendarOf(String queueId) {
        String name = dispatchOf(queueId).calendar();
        return name == null ? Optional.empty() : Optional.ofNullable(calendars.get(name));
    }

    public boolean hasChannel(String id) {
        return channels.containsKey(id);
    }

    public boolean hasTier(String tier) {
        return routing.tiers().contains(tier);
    }

    public Optional<Queue> queue(String id) {
        return Optional.ofNullable(queues.get(id));
    }

    public Set<String> channelIds() {
        return channels.keySet();
    }

    static <T> Map<String, T> byId(List<T> items, Function<T, String> id) {
        return items.stream().collect(Collectors.toMap(id, Function.identity(), (a, b) -> a, LinkedHashMap::new));
    }
}
