package io.convrouter.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.Presence;
import io.convrouter.audit.Candidate;
import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;
import io.convrouter.workbench.QueueDispatch;
import io.convrouter.support.MutableClock;

/**
 * One dispatcher over the in-memory stores, a hand-moved clock and per-test queue settings, with
 * helpers that drive it the way the services do: a profile or presence change is written to the
 * agent store and then handed to {@link Dispatcher#agentChanged}; a conversation is inserted and
 * then submitted; a close ends the conversation in the store, starts the queue's wrap-up, releases
 * the agent and hands the freed agent back (as LifecycleService does).
 *
 * <p>Channels weigh: web chat 1000 milli-units, email 500, phone 5000 (all of a default agent).
 */
final class DispatchHarness {
    static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    static final String QUEUE = "q";
    static final Map<String, Integer> UNITS = Map.of("web", 1000, "email", 500, "phone", 5000);

    final MutableClock clock = new MutableClock(T0);
    final FakeAgentStore agents = new FakeAgentStore();
    final FakeConversationStore conversations = new FakeConversationStore();
    final PerformanceStats stats = new PerformanceStats();
    final DispatchSettings settings;
    final Dispatcher dispatcher;

    DispatchHarness(QueueSettings... queues) {
        this.settings = settings(queues);
        this.dispatcher = new Dispatcher(agents, conversations, clock, settings, stats);
    }

    /** The settings the dispatcher reads: the queues given, and for any other queue the defaults of {@link QueueSettings}. */
    static DispatchSettings settings(QueueSettings... queues) {
        Map<String, QueueDispatch> byQueue = new HashMap<>();
        for (QueueSettings q : queues) {
            byQueue.put(q.queue, q.build());
        }
        QueueDispatch fallback = QueueSettings.queue("*").build();
        return new DispatchSettings() {
            @Override
            public QueueDispatch of(String queue) {
                return byQueue.getOrDefault(queue, fallback);
            }

            @Override
            public int unitsOf(String channel) {
                return UNITS.getOrDefault(channel, 1000);
            }
        };
    }

    // ------------------------------------------------------------------ time

    /** Moves the clock to T0 + {@code seconds} and runs every timer that is due. */
    Dispatched tickAt(long seconds) {
        clock.set(T0.plusSeconds(seconds));
        return dispatcher.tick();
    }

    void at(long seconds) {
        clock.set(T0.plusSeconds(seconds));
    }

    Instant now() {
        return clock.instant();
    }

    // ------------------------------------------------------------------ agents

    AgentBuilder agent(String id) {
        return new AgentBuilder(id);
    }

    List<Assignment> setPresence(String agentId, Presence presence) {
        return dispatcher.agentChanged(agents.setPresence(agentId, presence, clock.instant()).orElseThrow());
    }

    /** Capacity taken by work this dispatcher does not route (another server); the dispatcher then hears of it. */
    void occupy(String agentId, String channel, String conversationId) {
        dispatcher.agentChanged(agents.occupy(agentId, channel, conversationId, clock.instant()).orElseThrow());
    }

    /** That outside work ends: the unit comes back and the dispatcher hears of it. */
    List<Assignment> free(String agentId, String conversationId) {
        return dispatcher.agentChanged(agents.release(agentId, conversationId, clock.instant()).orElseThrow());
    }

    Agent stored(String agentId) {
        return agents.get(agentId);
    }

    // ------------------------------------------------------------------ conversations

    static PlanBuilder plan() {
        return new PlanBuilder();
    }

    DispatchResult submit(String id, PlanBuilder plan) {
        return submit(id, "web", plan);
    }

    DispatchResult submit(String id, String channel, PlanBuilder plan) {
        ConversationRecord c = conversation(id, channel, plan.build(), clock.instant());
        assertThat(conversations.insertIfAbsent(c)).as("%s inserted once", id).isEmpty();
        return dispatcher.submit(c);
    }

    /** The candidates weighed for a conversation that is still waiting (a resubmission only explains). */
    List<Candidate> explain(String id) {
        assertThat(dispatcher.positionOf(id)).as("%s waiting", id).isPositive();
        return dispatcher.submit(conversations.get(id)).candidates();
    }

    static ConversationRecord conversation(String id, String channel, Classification.Plan plan, Instant createdAt) {
        return new ConversationRecord(id, channel, "ext-" + id, "text of " + id, plan.language(),
                new ConversationRecord.CustomerInfo("cust-" + id, "regular", false, null, 0, Set.of()),
                new ConversationRecord.EntryInfo(null, null, null), Map.of(), plan, "test-ruleset",
                ConversationStatus.QUEUED, null, "d-" + id, createdAt, null, null, null, null);
    }

    ConversationRecord record(String conversationId) {
        return conversations.get(conversationId);
    }

    ConversationStatus status(String conversationId) {
        return conversations.get(conversationId).status();
    }

    /**
     * Closes a conversation the way LifecycleService does: ends it in the store from its current
     * status, withdraws it, starts the queue's wrap-up (assigned conversations only), releases the
     * agent that held it, feeds the outcome to the statistics and hands the freed agent back.
     */
    List<Assignment> close(String id, boolean resolved, Integer satisfaction) {
        ConversationRecord current = conversations.get(id);
        Instant now = clock.instant();
        ConversationRecord ended = conversations.markEnded(id, current.status(), ConversationStatus.CLOSED, now,
                resolved ? Outcome.RESOLVED : Outcome.UNRESOLVED, satisfaction).orElseThrow();
        dispatcher.withdraw(id);
        if (current.status() == ConversationStatus.ASSIGNED) {
            int wrap = settings.of(current.plan().queue()).wrapUpSeconds();
            if (wrap > 0) {
                agents.startWrapUp(ended.agentId(), now.plusSeconds(wrap));
            }
        }
        Agent freed = agents.release(ended.agentId(), id, now).orElseThrow();
        if (current.status() == ConversationStatus.ASSIGNED) {
            dispatcher.closed(ended, resolved, satisfaction);
        }
        return dispatcher.agentChanged(freed);
    }

    List<Assignment> close(String id) {
        return close(id, true, null);
    }

    // ------------------------------------------------------------------ reading results

    static Candidate candidate(List<Candidate> candidates, String agentId) {
        return candidates.stream().filter(c -> c.agentId().equals(agentId)).findFirst()
                .orElseThrow(() -> new AssertionError("no candidate " + agentId + " in " + candidates));
    }

    static List<String> reasons(List<Candidate> candidates, String agentId) {
        Candidate c = candidate(candidates, agentId);
        assertThat(c.eligible()).as("%s eligible", agentId).isFalse();
        return c.excludedBecause();
    }

    static List<String> ids(List<Assignment> assignments) {
        return assignments.stream().map(a -> a.conversation().id()).toList();
    }

    static List<DispatchNote.Kind> kinds(Dispatched d) {
        return d.notes().stream().map(DispatchNote::kind).toList();
    }

    static DispatchNote note(Dispatched d, DispatchNote.Kind kind) {
        return d.notes().stream().filter(n -> n.kind() == kind).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " note in " + d.notes()));
    }

    static Assignment only(Dispatched d) {
        assertThat(d.assignments()).hasSize(1);
        return d.assignments().get(0);
    }

    // ------------------------------------------------------------------ builders

    /**
     * An agent with skills {refund:4, general:3}, language zh, no team, web capacity 5, unlimited
     * weighted units and no queue membership (serves every queue) unless told otherwise.
     */
    final class AgentBuilder {
        private final String id;
        private Map<String, Integer> skills = Map.of("refund", 4, "general", 3);
        private Set<String> languages = Set.of("zh");
        private Set<String> teams = Set.of();
        private Set<String> queues = Set.of();
        private Integer maxUnits;
        private final Map<String, Integer> capacity = new LinkedHashMap<>();

        AgentBuilder(String id) {
            this.id = id;
        }

        AgentBuilder skills(Object... skillLevelPairs) {
            Map<String, Integer> s = new LinkedHashMap<>();
            for (int i = 0; i < skillLevelPairs.length; i += 2) {
                s.put((String) skillLevelPairs[i], (Integer) skillLevelPairs[i + 1]);
            }
            skills = s;
            return this;
        }

        AgentBuilder languages(String... l) {
            languages = new LinkedHashSet<>(List.of(l));
            return this;
        }

        AgentBuilder teams(String... t) {
            teams = new LinkedHashSet<>(List.of(t));
            return this;
        }

        AgentBuilder queues(String... q) {
            queues = new LinkedHashSet<>(List.of(q));
            return this;
        }

        AgentBuilder maxUnits(int units) {
            maxUnits = units;
            return this;
        }

        AgentBuilder capacity(String channel, int places) {
            capacity.put(channel, places);
            return this;
        }

        /** Saves the profile (a new agent is offline) and tells the dispatcher. */
        List<Assignment> register() {
            Map<String, Integer> cap = capacity.isEmpty() ? Map.of("web", 5) : capacity;
            Agent saved = agents.saveProfile(new AgentProfile(id, "Agent " + id, skills, languages, teams, cap, queues,
                    maxUnits), clock.instant());
            return dispatcher.agentChanged(saved);
        }

        List<Assignment> online() {
            List<Assignment> result = new ArrayList<>(register());
            result.addAll(setPresence(id, Presence.ONLINE));
            return result;
        }

        List<Assignment> in(Presence presence) {
            List<Assignment> result = new ArrayList<>(register());
            if (presence != Presence.OFFLINE) {
                result.addAll(setPresence(id, presence));
            }
            return result;
        }
    }

    /** Intent refund in queue q, language zh, no skills or team, priority 50, SLA 60 s, unless told otherwise. */
    static final class PlanBuilder {
        private final Map<String, Integer> skills = new LinkedHashMap<>();
        private String intent = "refund";
        private String queue = QUEUE;
        private String language = "zh";
        private String team;
        private int priority = 50;
        private int slaSeconds = 60;
        private String preferred;

        PlanBuilder skill(String skill, int level) {
            skills.put(skill, level);
            return this;
        }

        PlanBuilder intent(String i) {
            intent = i;
            return this;
        }

        PlanBuilder queue(String q) {
            queue = q;
            return this;
        }

        PlanBuilder language(String l) {
            language = l;
            return this;
        }

        PlanBuilder team(String t) {
            team = t;
            return this;
        }

        PlanBuilder priority(int p) {
            priority = p;
            return this;
        }

        PlanBuilder sla(int seconds) {
            slaSeconds = seconds;
            return this;
        }

        PlanBuilder preferred(String agentId) {
            preferred = agentId;
            return this;
        }

        Classification.Plan build() {
            return new Classification.Plan(intent, queue, Collections.unmodifiableMap(new LinkedHashMap<>(skills)),
                    language, team, priority, slaSeconds, false, preferred);
        }
    }
}
