package io.convrouter.agents;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import io.convrouter.errors.FieldError;
import io.convrouter.errors.InvalidInputException;

/** Agents over REST: register or update a profile, report presence, read with current load. */
@RestController
@RequestMapping("/api/v1/agents")
public class AgentController {
    private final AgentService agents;

    public AgentController(AgentService agents) {
        this.agents = agents;
    }

    /**
     * An agent profile. {@code queues}: the queues the agent serves (none: any its skills fit);
     * {@code maxUnits}: weighted capacity in milli-units (none: as much as its largest channel).
     */
    public record AgentBody(String name, Map<String, Integer> skills, List<String> languages, List<String> teams,
                            Map<String, Integer> capacity, List<String> queues, Integer maxUnits) {}

    public record PresenceBody(String status) {}

    @PutMapping("/{id}")
    public ResponseEntity<AgentView> put(@PathVariable String id, @RequestBody AgentBody body) {
        rejectNulls(body);
        boolean exists = agents.exists(id);
        AgentView view = AgentView.of(agents.register(new AgentProfile(id, body.name(), body.skills(),
                body.languages() == null ? null : new LinkedHashSet<>(body.languages()),
                body.teams() == null ? null : new LinkedHashSet<>(body.teams()), body.capacity(),
                body.queues() == null ? null : new LinkedHashSet<>(body.queues()), body.maxUnits())));
        // 201 when this created the agent, 200 when it updated one.
        return ResponseEntity.status(exists ? HttpStatus.OK : HttpStatus.CREATED)
                .location(java.net.URI.create("/api/v1/agents/" + id)).body(view);
    }

    @PutMapping("/{id}/presence")
    public AgentView presence(@PathVariable String id, @RequestBody PresenceBody body) {
        return AgentView.of(agents.setPresence(id, body.status()));
    }

    @GetMapping
    public List<AgentView> list() {
        return agents.list().stream().map(AgentView::of).toList();
    }

    @GetMapping("/{id}")
    public AgentView get(@PathVariable String id) {
        return AgentView.of(agents.get(id));
    }

    /** JSON nulls inside the profile's maps and lists would fail deep inside; name them instead. */
    private static void rejectNulls(AgentBody body) {
        List<FieldError> errors = new ArrayList<>();
        if (body.skills() != null) {
            body.skills().forEach((skill, level) -> {
                if (level == null) {
                    errors.add(new FieldError("skills." + skill, "needs a level, not null"));
                }
            });
        }
        if (body.capacity() != null) {
            body.capacity().forEach((channel, units) -> {
                if (units == null) {
                    errors.add(new FieldError("capacity." + channel, "needs a number, not null"));
                }
            });
        }
        if (body.languages() != null && body.languages().contains(null)) {
            errors.add(new FieldError("languages", "must not contain null"));
        }
        if (body.teams() != null && body.teams().contains(null)) {
            errors.add(new FieldError("teams", "must not contain null"));
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }
}
