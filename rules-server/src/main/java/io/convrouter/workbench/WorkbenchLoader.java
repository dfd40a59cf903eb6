package io.convrouter.workbench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;

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
    record QueuesFile(List<Workbench.Queue> queues) {}
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
        List<Workbench.Queue> queueList = orEmpty(queues.queues());
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
        if (!problems.isEmpty()) {
            throw new WorkbenchConfigException(dir, problems);
        }
        return new Workbench(
                Workbench.byId(channelList, Workbench.Channel::id),
                Workbench.byId(skillList, Workbench.Skill::id),
                Workbench.byId(teamList, Workbench.Team::id),
                Workbench.byId(queueList, Workbench.Queue::id),
                defaults,
                agentList);
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
