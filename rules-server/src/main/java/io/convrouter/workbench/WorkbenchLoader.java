package io.convrouter.workbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

import java.util.Set;

import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads and checks the workbench-config directory. Every problem is reported with the file and
 * the entry it is in, all at once, so ops can fix them in one pass.
 */
public final class WorkbenchLoader {

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    record ChannelsFile(List<Workbench.Channel> channels) {}
    record SkillsFile(List<Workbench.Skill> skills) {}
    record TeamsFile(List<Workbench.Team> teams) {}
    record QueuesFile(Map<String, Object> defaults, List<QueueEntry> queues) {}
    record QueueEntry(String id, String name, int slaSeconds, double serviceLevelTarget, Map<String, Object> dispatch) {}
    record RoutingFile(Workbench.RoutingDefaults routing) {}
    record AgentsFile(List<Workbench.DemoAgent> agents) {}

    public Workbench load(Path dir) {
        List<String> problems = new ArrayList<>();
        ChannelsFile channels = read(dir, "channels.yaml", ChannelsFile.class, problems, true);
        SkillsFile skills = read(dir, "skills.yaml", SkillsFile.class, problems, true);
        TeamsFile teams = read(dir, "teams.yaml", TeamsFile.class, problems, true);
        QueuesFile queues = read(dir, "queues.yaml", QueuesFile.class, problems, true);
        RoutingFile routing = read(dir, "routing.yaml", RoutingFile.class, problems, true);
        AgentsFile agents = read(dir, "demo-agents.yaml", AgentsFile.class, problems, false);
        if (!problems.isEmpty()) {
            throw new WorkbenchConfigException(dir, problems);
        }
        List<Workbench.Channel> channelList = orEmpty(channels.channels());
        List<Workbench.Skill> skillList = orEmpty(skills.skills());
        List<Workbench.Team> teamList = orEmpty(teams.teams());
        List<Workbench.Queue> queueList = queues(queues, problems);
        List<Workbench.DemoAgent> agentList = agents == null ? List.of() : orEmpty(agents.agents());

        checkIds("channels.yaml", "channels", channelList.stream().map(Workbench.Channel::id).toList(), problems);
        checkIds("skills.yaml", "skills", skillList.stream().map(Workbench.Skill::id).toList(), problems);
        checkIds("teams.yaml", "teams", teamList.stream().map(Workbench.Team::id).toList(), problems);
        checkIds("queues.yaml", "queues", queueList.stream().map(Workbench.Queue::id).toList(), problems);
        for (int i = 0; i < channelList.size(); i++) {
            if (channelList.get(i).capacityWeight() <= 0) {
                problems.add("channels.yaml: channels[" + i + "].capacityWeight must be greater than 0");
            }
        }
        for (int i = 0; i < skillList.size(); i++) {
            if (skillList.get(i).maxLevel() < 1) {
                problems.add("skills.yaml: skills[" + i + "].maxLevel must be at least 1");
            }
        }
        Workbench.RoutingDefaults defaults = routing.routing();
        if (defaults == null) {
            problems.add("routing.yaml: the 'routing' section is missing");
        } else {
            Set<String> queueIds = ids(queueList.stream().map(Workbench.Queue::id).toList());
            if (!queueIds.contains(defaults.defaultQueue())) {
                problems.add("routing.yaml: routing.defaultQueue '" + defaults.defaultQueue() + "' is not a queue in queues.yaml");
            }
            if (defaults.defaultPriority() < 0 || defaults.defaultPriority() > 100) {
                problems.add("routing.yaml: routing.defaultPriority must be 0-100");
            }
            if (defaults.tiers() == null || defaults.tiers().isEmpty()) {
                problems.add("routing.yaml: routing.tiers must list at least one tier");
            } else if (!defaults.tiers().contains(defaults.defaultTier())) {
                problems.add("routing.yaml: routing.defaultTier '" + defaults.defaultTier() + "' is not in routing.tiers");
            }
            if (defaults.maxTextLength() < 1) {
                problems.add("routing.yaml: routing.maxTextLength must be at least 1");
            }
        }
        Set<String> skillIds = ids(skillList.stream().map(Workbench.Skill::id).toList());
        Set<String> knownQueues = ids(queueList.stream().map(Workbench.Queue::id).toList());
        for (Workbench.Queue q : queueList) {
            for (QueueDispatch.RelaxStep r : q.dispatch().relax()) {
                if (r.skill() != null && !skillIds.contains(r.skill())) {
                    problems.add("queues.yaml: " + q.id() + ".dispatch.relax: skill '" + r.skill() + "' is not in skills.yaml");
                }
            }
            for (QueueDispatch.Overflow o : q.dispatch().overflow()) {
                for (String to : o.to() == null ? List.<String>of() : o.to()) {
                    if (!knownQueues.contains(to)) {
                        problems.add("queues.yaml: " + q.id() + ".dispatch.overflow: queue '" + to + "' is not in queues.yaml");
                    }
                }
            }
        }
        Set<String> teamIds = ids(teamList.stream().map(Workbench.Team::id).toList());
        Set<String> channelIds = ids(channelList.stream().map(Workbench.Channel::id).toList());
        for (int i = 0; i < agentList.size(); i++) {
            Workbench.DemoAgent a = agentList.get(i);
            String where = "demo-agents.yaml: agents[" + i + "] (" + a.id() + ")";
            if (a.id() == null || a.id().isBlank()) {
                problems.add(where + ": id is missing");
            }
            orEmpty(a.skills() == null ? null : List.copyOf(a.skills().keySet())).stream()
                    .filter(s -> !skillIds.contains(s))
                    .forEach(s -> problems.add(where + ": skill '" + s + "' is not in skills.yaml"));
            orEmpty(a.teams()).stream().filter(t -> !teamIds.contains(t))
                    .forEach(t -> problems.add(where + ": team '" + t + "' is not in teams.yaml"));
            if (a.capacity() != null) {
                a.capacity().keySet().stream().filter(c -> !channelIds.contains(c))
                        .forEach(c -> problems.add(where + ": channel '" + c + "' is not in channels.yaml"));
            }
        }
        Map<String, BusinessCalendar> calendars = java.nio.file.Files.exists(dir.resolve(CalendarsLoader.FILE))
                ? new CalendarsLoader().read(dir, problems) : Map.of();
        for (Workbench.Queue q : queueList) {
            String calendar = q.dispatch().calendar();
            if (calendar != null && !calendars.containsKey(calendar)) {
                problems.add("queues.yaml: " + q.id() + ".dispatch.calendar: '" + calendar + "' is not a calendar in "
                        + CalendarsLoader.FILE + "; known: " + calendars.keySet());
            }
        }
        if (!problems.isEmpty()) {
            throw new WorkbenchConfigException(dir, problems);
        }
        return new Workbench(
                Workbench.byId(channelList, Workbench.Channel::id),
                Workbench.byId(skillList, Workbench.Skill::id),
                Workbench.byId(teamList, Workbench.Team::id),
                Workbench.byId(queueList, Workbench.Queue::id),
                defaults,
                agentList,
                calendars);
    }

    /**
     * Each queue's dispatch settings: the plain settings, overlaid by the file's {@code defaults},
     * overlaid by the queue's own {@code dispatch} block, field by field.
     */
    @SuppressWarnings("unchecked")
    private static List<Workbench.Queue> queues(QueuesFile file, List<String> problems) {
        Map<String, Object> base = new java.util.LinkedHashMap<>(YAML.convertValue(QueueDispatch.plain(), Map.class));
        if (file.defaults() != null) {
            base.putAll(file.defaults());
        }
        List<Workbench.Queue> result = new java.util.ArrayList<>();
        List<QueueEntry> entries = orEmpty(file.queues());
        for (int i = 0; i < entries.size(); i++) {
            QueueEntry e = entries.get(i);
            Map<String, Object> merged = new java.util.LinkedHashMap<>(base);
            if (e.dispatch() != null) {
                merged.putAll(e.dispatch());
            }
            String where = "queues.yaml: queues[" + i + "] (" + e.id() + ").dispatch";
            try {
                QueueDispatch d = YAML.convertValue(merged, QueueDispatch.class);
                checkDispatch(where, d, problems);
                result.add(new Workbench.Queue(e.id(), e.name(), e.slaSeconds(), e.serviceLevelTarget(), d));
            } catch (JacksonException ex) {
                problems.add(where + ": " + ex.getOriginalMessage() + " at " + ex.getPathReference());
                result.add(new Workbench.Queue(e.id(), e.name(), e.slaSeconds(), e.serviceLevelTarget(), QueueDispatch.plain()));
            }
        }
        return result;
    }

    private static void checkDispatch(String where, QueueDispatch d, List<String> problems) {
        if (!QueueDispatch.STRATEGIES.contains(d.strategy())) {
            problems.add(where + ".strategy: '" + d.strategy() + "' is not a strategy; use one of " + QueueDispatch.STRATEGIES);
        }
        if (d.offerTimeoutSeconds() < 1) problems.add(where + ".offerTimeoutSeconds: must be at least 1");
        for (var field : Map.of("timeoutsBeforeAway", d.timeoutsBeforeAway(), "wrapUpSeconds", d.wrapUpSeconds(),
                "reclaimAfterSeconds", d.reclaimAfterSeconds(), "stickySeconds", d.stickySeconds(),
                "waitAlertSeconds", d.waitAlertSeconds(), "maxWaitSeconds", d.maxWaitSeconds()).entrySet()) {
            if (field.getValue() < 0) problems.add(where + "." + field.getKey() + ": must not be negative");
        }
        if (d.agingPerMinute() < 0) problems.add(where + ".agingPerMinute: must not be negative");
        if (d.averageHandleSeconds() < 1) problems.add(where + ".averageHandleSeconds: must be at least 1");
        if (!List.of("bot", "callback").contains(d.whenWaitOver())) {
            problems.add(where + ".whenWaitOver: '" + d.whenWaitOver() + "' must be bot or callback");
        }
        if (!QueueDispatch.FALLBACKS.contains(d.afterHours())) {
            problems.add(where + ".afterHours: '" + d.afterHours() + "' must be one of " + QueueDispatch.FALLBACKS);
        }
        for (int i = 0; i < d.relax().size(); i++) {
            QueueDispatch.RelaxStep r = d.relax().get(i);
            String at = where + ".relax[" + i + "]";
            if (r.afterSeconds() < 0) problems.add(at + ".afterSeconds: must not be negative");
            switch (String.valueOf(r.action())) {
                case "lower" -> {
                    if (r.skill() == null || r.level() == null || r.level() < 1) {
                        problems.add(at + ": 'lower' needs a skill and a level of at least 1");
                    }
                }
                case "drop" -> {
                    if (r.skill() == null) problems.add(at + ": 'drop' needs a skill");
                }
                case "drop-team", "any-agent" -> { }
                default -> problems.add(at + ".action: '" + r.action() + "' must be lower, drop, drop-team or any-agent");
            }
        }
        for (int i = 0; i < d.overflow().size(); i++) {
            QueueDispatch.Overflow o = d.overflow().get(i);
            if (o.to() == null || o.to().isEmpty()) problems.add(where + ".overflow[" + i + "].to: name at least one queue");
            if (o.minServiceLevel() < 0 || o.minServiceLevel() > 1) {
                problems.add(where + ".overflow[" + i + "].minServiceLevel: must be 0-1");
            }
        }
    }

    private static <T> List<T> orEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static Set<String> ids(List<String> ids) {
        return new HashSet<>(ids);
    }

    private static void checkIds(String file, String section, List<String> ids, List<String> problems) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < ids.size(); i++) {
            String id = ids.get(i);
            if (id == null || id.isBlank()) {
                problems.add(file + ": " + section + "[" + i + "].id is missing");
            } else if (!seen.add(id)) {
                problems.add(file + ": " + section + "[" + i + "].id '" + id + "' is defined twice");
            }
        }
    }

    private static <T> T read(Path dir, String name, Class<T> type, List<String> problems, boolean required) {
        Path file = dir.resolve(name);
        try {
            T value = YAML.readValue(Files.readAllBytes(file), type);
            if (value == null) {
                problems.add(name + ": the file is empty");
            }
            return value;
        } catch (NoSuchFileException e) {
            if (required) {
                problems.add(name + ": file not found in " + dir.toAbsolutePath());
            }
            return null;
        } catch (JacksonException e) {
            problems.add(name + ": " + e.getOriginalMessage() + " at " + e.getPathReference()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
            return null;
        } catch (IOException e) {
            problems.add(name + ": cannot read: " + e.getMessage());
            return null;
        }
    }

}
