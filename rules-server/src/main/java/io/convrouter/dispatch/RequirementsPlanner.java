package io.convrouter.dispatch;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.BiPredicate;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.workbench.QueueDispatch;

/**
 * Works out what an agent must offer to take a waiting conversation at a given moment: the plan,
 * relaxed by the queue's ladder as the wait grows, narrowed to the preferred agent while the
 * sticky window is open, widened to healthy queues' agents once overflow starts, and never to an
 * agent who declined it. Also says when that will next change, so the dispatcher can look again.
 */
final class RequirementsPlanner {
    /** How often overflow re-checks whether the lending queues are still healthy. */
    static final Duration OVERFLOW_RECHECK = Duration.ofSeconds(5);

    private final DispatchSettings settings;

    RequirementsPlanner(DispatchSettings settings) {
        this.settings = settings;
    }

    /** The requirements now, the steps that shaped them (in words), and when they change next (or null). */
    record Planned(Requirements requirements, List<String> steps, Instant nextChangeAt) {}

    Planned plan(ConversationRecord c, Instant now, Function<String, Agent> agents,
                 BiPredicate<String, QueueDispatch.Overflow> healthy) {
        QueueDispatch d = settings.of(c.plan().queue());
        long waited = Math.max(0, Duration.between(c.queuedAt(), now).toSeconds());
        Map<String, Integer> skills = new LinkedHashMap<>(c.plan().requiredSkills());
        String team = c.plan().team();
        List<String> steps = new ArrayList<>();
        Instant next = null;
        for (QueueDispatch.RelaxStep step : d.relax()) {
            if (waited < step.afterSeconds()) {
                next = earliest(next, c.queuedAt().plusSeconds(step.afterSeconds()));
                continue;
            }
            switch (step.action()) {
                case "lower" -> {
                    Integer level = skills.get(step.skill());
                    if (level != null && level > step.level()) {
                        skills.put(step.skill(), step.level());
                        steps.add("lowered " + step.skill() + " to level " + step.level() + " after " + step.afterSeconds() + " s");
                    }
                }
                case "drop" -> {
                    if (skills.remove(step.skill()) != null) {
                        steps.add("dropped skill " + step.skill() + " after " + step.afterSeconds() + " s");
                    }
                }
                case "drop-team" -> {
                    if (team != null) {
                        steps.add("dropped team " + team + " after " + step.afterSeconds() + " s");
                        team = null;
                    }
                }
                case "any-agent" -> {
                    if (!skills.isEmpty() || team != null) {
                        steps.add("any agent of the queue after " + step.afterSeconds() + " s");
                        skills.clear();
                        team = null;
                    }
                }
                default -> { }
            }
        }
        Set<String> servedBy = new LinkedHashSet<>();
        servedBy.add(c.plan().queue());
        for (QueueDispatch.Overflow o : d.overflow()) {
            if (waited < o.afterSeconds()) {
                next = earliest(next, c.queuedAt().plusSeconds(o.afterSeconds()));
                continue;
            }
            for (String q : o.to()) {
                if (healthy.test(q, o)) {
                    servedBy.add(q);
                    steps.add("borrowing agents of " + q + " (healthy) after " + o.afterSeconds() + " s");
                }
            }
            next = earliest(next, now.plus(OVERFLOW_RECHECK));
        }
        Requirements open = new Requirements(c.plan().queue(), c.channel(), settings.unitsOf(c.channel()), skills,
                c.plan().language(), team, c.progress().declinedBy(), null, servedBy);
        String onlyAgent = null;
        String preferred = c.plan().preferredAgentId();
        if (preferred != null && d.stickySeconds() > 0 && !c.progress().declinedBy().contains(preferred)) {
            Agent agent = agents.apply(preferred);
            if (waited >= d.stickySeconds()) {
                steps.add("sticky window of " + d.stickySeconds() + " s for preferred agent " + preferred + " over");
            } else if (agent == null || agent.presence() != Presence.ONLINE || !Eligibility.couldServe(agent, open)) {
                // Wait for the preferred agent only while it is online and could serve it (busy with
                // others, it will free up); away, offline, or lacking what the conversation needs, it
                // will not take it in time, so the pool stays wide.
                steps.add("not waiting for preferred agent " + preferred + ": " + (agent == null ? "unknown agent"
                        : agent.presence() != Presence.ONLINE ? "agent is " + agent.presence().wireName()
                        : "cannot serve this conversation"));
            } else {
                onlyAgent = preferred;
                steps.add("waiting up to " + d.stickySeconds() + " s for preferred agent " + preferred);
                next = earliest(next, c.queuedAt().plusSeconds(d.stickySeconds()));
            }
        }
        Requirements r = onlyAgent == null ? open : new Requirements(open.queue(), open.channel(), open.units(),
                open.skills(), open.language(), open.team(), open.excluded(), onlyAgent, open.servedBy());
        return new Planned(r, steps, next);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a == null || b.isBefore(a) ? b : a;
    }
}
