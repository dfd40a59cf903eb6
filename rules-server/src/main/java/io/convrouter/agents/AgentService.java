package io.convrouter.agents;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.convrouter.dispatch.AssignmentRecorder;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.audit.DecisionLog;
import io.convrouter.errors.FieldError;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.errors.NotFoundException;
import io.convrouter.store.Durability;
import io.convrouter.workbench.Workbench;

/** Registers agents and their presence; an agent that can take work gets waiting conversations at once. */
public final class AgentService {
    public static final int MAX_CAPACITY_PER_CHANNEL = 1000;

    private final AgentStore store;
    private final Dispatcher dispatcher;
    private final AssignmentRecorder assignments;
    private final Workbench workbench;
    private final Durability durability;
    private final Clock clock;

    public AgentService(AgentStore store, Dispatcher dispatcher, DecisionLog decisions, Workbench workbench,
                        Durability durability, Clock clock) {
        this.store = store;
        this.dispatcher = dispatcher;
        this.assignments = new AssignmentRecorder(decisions, clock);
        this.workbench = workbench;
        this.durability = durability;
        this.clock = clock;
    }

    public Agent register(AgentProfile profile) {
        check(profile);
        AgentProfile withUnits = profile.maxUnits() != null ? profile : profile.withMaxUnits(defaultMaxUnits(profile));
        Agent saved = store.saveProfile(withUnits, clock.instant());
        assignments.record(dispatcher.agentChanged(saved), "agent " + saved.id() + " profile updated");
        durability.awaitDurable();
        return dispatcher.cachedAgent(saved.id()).orElse(saved);
    }

    public Agent setPresence(String agentId, String status) {
        Presence presence = Presence.parse(status).orElseThrow(() -> InvalidInputException.of("status",
                status == null ? "is required; one of online, away, busy, offline"
                        : "'" + status + "' is not a presence; use online, away, busy or offline"));
        Agent updated = store.setPresence(agentId, presence, clock.instant())
                .orElseThrow(() -> new NotFoundException("agent", agentId));
        assignments.record(dispatcher.agentChanged(updated), "agent " + agentId + " is " + presence.wireName());
        durability.awaitDurable();
        return dispatcher.cachedAgent(agentId).orElse(updated);
    }

    /**
     * How much weighted work the agent can hold at once when the profile does not say: as much as
     * its largest channel at full capacity (5 chats, or 10 emails at half a unit, or 1 phone call
     * at 5 units all weigh 5), so mixing channels never exceeds what any one channel allows.
     */
    int defaultMaxUnits(AgentProfile p) {
        int max = 0;
        for (Map.Entry<String, Integer> c : p.capacity().entrySet()) {
            max = Math.max(max, c.getValue() * Units.of(workbench, c.getKey()));
        }
        return max;
    }

    public boolean exists(String agentId) {
        return store.find(agentId).isPresent();
    }

    public Agent get(String agentId) {
        return store.find(agentId).orElseThrow(() -> new NotFoundException("agent", agentId));
    }

    public List<Agent> list() {
        return store.findAll();
    }

    private void check(AgentProfile p) {
        List<FieldError> errors = new ArrayList<>();
        if (p.id() == null || p.id().isBlank() || p.id().length() > 128 || !p.id().matches("[A-Za-z0-9._:@-]+")) {
            errors.add(new FieldError("id", "must be 1-128 characters of letters, digits and . _ : @ -"));
        }
        if (p.name() == null || p.name().isBlank()) {
            errors.add(new FieldError("name", "is required"));
        } else if (p.name().length() > 200) {
            errors.add(new FieldError("name", "is longer than 200 characters"));
        }
        for (Map.Entry<String, Integer> s : p.skills().entrySet()) {
            Workbench.Skill skill = workbench.skills().get(s.getKey());
            if (skill == null) {
                errors.add(new FieldError("skills." + s.getKey(), "is not a skill in workbench-config/skills.yaml; known: "
                        + workbench.skills().keySet().stream().sorted().toList()));
            } else if (s.getValue() == null || s.getValue() < 1 || s.getValue() > skill.maxLevel()) {
                errors.add(new FieldError("skills." + s.getKey(), "level must be 1-" + skill.maxLevel()));
            }
        }
        if (p.languages().isEmpty()) {
            errors.add(new FieldError("languages", "must list at least one language, such as [\"zh\"]"));
        }
        for (String l : p.languages()) {
            if (l == null || !l.matches("[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*")) {
                errors.add(new FieldError("languages", "'" + l + "' is not a language tag such as zh, en or zh-CN"));
            }
        }
        for (String t : p.teams()) {
            if (!workbench.teams().containsKey(t)) {
                errors.add(new FieldError("teams", "'" + t + "' is not a team in workbench-config/teams.yaml; known: "
                        + workbench.teams().keySet().stream().sorted().toList()));
            }
        }
        for (Map.Entry<String, Integer> c : p.capacity().entrySet()) {
            if (!workbench.hasChannel(c.getKey())) {
                errors.add(new FieldError("capacity." + c.getKey(), "is not a channel; known: "
                        + workbench.channelIds().stream().sorted().toList()));
            } else if (c.getValue() == null || c.getValue() < 0 || c.getValue() > MAX_CAPACITY_PER_CHANNEL) {
                errors.add(new FieldError("capacity." + c.getKey(), "must be 0-" + MAX_CAPACITY_PER_CHANNEL));
            }
        }
        for (String q : p.queues()) {
            if (!workbench.queues().containsKey(q)) {
                errors.add(new FieldError("queues", "'" + q + "' is not a queue in workbench-config/queues.yaml; known: "
                        + workbench.queues().keySet().stream().sorted().toList()));
            }
        }
        if (p.maxUnits() != null && (p.maxUnits() < 0 || p.maxUnits() > 1_000_000)) {
            errors.add(new FieldError("maxUnits", "must be 0-1000000 (milli-units: a chat weighs 1000)"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }
}
