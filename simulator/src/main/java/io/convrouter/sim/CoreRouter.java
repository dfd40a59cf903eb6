package io.convrouter.sim;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Optional;

import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.AgentService;
import io.convrouter.classify.ActiveRuleset;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.LifecycleService;
import io.convrouter.dispatch.AssignmentRecorder;
import io.convrouter.dispatch.BusinessHours;
import io.convrouter.dispatch.DispatchSettings;
import io.convrouter.dispatch.Dispatched;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.errors.ConflictException;
import io.convrouter.events.RoutingEvents;
import io.convrouter.intake.IntakeRequest;
import io.convrouter.intake.IntakeService;
import io.convrouter.rebalance.RebalanceLease;
import io.convrouter.rebalance.RebalanceService;
import io.convrouter.rebalance.Rebalancer;
import io.convrouter.store.Durability;
import io.convrouter.store.memory.MemoryAgentStatsStore;
import io.convrouter.store.memory.MemoryAgentStore;
import io.convrouter.store.memory.MemoryCustomerHistoryStore;
import io.convrouter.workbench.Workbench;

/**
 * The routing core itself, wired as the server wires it (intake, lifecycle, agents, dispatcher,
 * optionally the rebalancer) over in-memory stores, a decision log that counts, and the virtual
 * clock. Calls come in through {@link IntakeService#receive}, end through {@link LifecycleService},
 * agents change presence through {@link AgentService}; the dispatcher's timers fire from
 * {@link Dispatcher#tick()} exactly when due, as the server's timer thread fires them.
 *
 * <p>Two things differ from the server, both for repeatable runs: conversation ids are numbered in
 * arrival order (the server's ObjectIds carry wall-clock time and randomness, and break ties in
 * queue order), and a rebalance stops on its step limit only, never on wall-clock time.
 */
final class CoreRouter implements Router, ObservedConversationStore.Observer {
    private final Scenario scenario;
    private final PolicySet policies;
    private final SimClock clock;
    private final boolean withRebalancer;
    private final CountingDecisionLog decisions = new CountingDecisionLog();
    private final Map<String, Scenario.Call> callsByExternalId = new HashMap<>();
    private final Map<String, Scenario.Call> callsByConversation = new HashMap<>();
    private final Map<Integer, String> conversationOfCall = new HashMap<>();
    private final Map<String, Long> counters = new LinkedHashMap<>();
    private ObservedConversationStore conversations;
    private Dispatcher dispatcher;
    private IntakeService intake;
    private LifecycleService lifecycle;
    private AgentService agentService;
    private AssignmentRecorder recorder;
    private RebalanceService rebalance;
    private Listener listener;
    private long nextId;

    CoreRouter(Scenario scenario, PolicySet policies, SimClock clock, boolean withRebalancer) {
        this.scenario = scenario;
        this.policies = policies;
        this.clock = clock;
        this.withRebalancer = withRebalancer;
    }

    @Override
    public void start(Listener l) {
        this.listener = l;
        Workbench workbench = policies.workbench();
        MemoryAgentStore agents = new MemoryAgentStore();
        conversations = new ObservedConversationStore(this);
        MemoryCustomerHistoryStore history = new MemoryCustomerHistoryStore();
        MemoryAgentStatsStore agentStats = new MemoryAgentStatsStore();
        PerformanceStats stats = new PerformanceStats();
        dispatcher = new Dispatcher(agents, conversations, clock, DispatchSettings.from(workbench), stats);
        intake = new IntakeService(workbench, new ActiveRuleset(policies.ruleset()), policies.classifier(), conversations,
                dispatcher, decisions, Durability.NONE, clock, new BusinessHours(workbench), RoutingEvents.NONE, history,
                () -> String.format("c%010d", ++nextId));
        lifecycle = new LifecycleService(conversations, agents, dispatcher, decisions, Durability.NONE, clock, workbench,
                agentStats, RoutingEvents.NONE, history);
        agentService = new AgentService(agents, dispatcher, decisions, workbench, Durability.NONE, clock);
        recorder = new AssignmentRecorder(decisions, RoutingEvents.NONE, clock);
        if (withRebalancer) {
            // A day of wall-clock time is never reached: the solve ends on its step limit, so runs repeat.
            rebalance = new RebalanceService(dispatcher, new Rebalancer(Duration.ofDays(1),
                    scenario.rebalance().unimprovedSteps()), stats, decisions, RoutingEvents.NONE, RebalanceLease.ALWAYS,
                    Durability.NONE, clock, "simulator", Duration.ofSeconds(scenario.rebalance().intervalSeconds() * 3L));
        }
        for (Scenario.AgentSpec a : scenario.agents()) {
            agentService.register(new AgentProfile(a.id(), a.name(), a.skills(), new LinkedHashSet<>(a.languages()),
                    new LinkedHashSet<>(a.teams()), a.capacity(), new LinkedHashSet<>(a.queues()), a.maxUnits()));
        }
    }

    @Override
    public void arrive(Scenario.Call call, boolean returning, String lastAgentId) {
        callsByExternalId.put(call.id(), call);
        ConversationRecord.CustomerInfo customer = new ConversationRecord.CustomerInfo(call.customerId(), call.tier(),
                returning, lastAgentId, 0, null);
        intake.receive(new IntakeRequest(call.channel(), call.id(), call.text(), call.language(), customer, null,
                call.fields()));
    }

    @Override
    public void presence(String agentId, boolean online) {
        agentService.setPresence(agentId, online ? "online" : "offline");
    }

    @Override
    public void accept(Scenario.Call call, String agentId) {
        if (holds(call, ConversationStatus.OFFERED, agentId)) {
            try {
                lifecycle.accept(conversationOfCall.get(call.index()), agentId);
            } catch (ConflictException e) {
                count("conflicts");
            }
        }
    }

    @Override
    public void reject(Scenario.Call call, String agentId) {
        if (holds(call, ConversationStatus.OFFERED, agentId)) {
            lifecycle.reject(conversationOfCall.get(call.index()), agentId);
        }
    }

    @Override
    public void firstReply(Scenario.Call call, String agentId) {
        if (holds(call, ConversationStatus.ASSIGNED, agentId)) {
            lifecycle.firstReply(conversationOfCall.get(call.index()), agentId);
        }
    }

    @Override
    public void complete(Scenario.Call call, String agentId) {
        if (holds(call, ConversationStatus.ASSIGNED, agentId)) {
            lifecycle.close(conversationOfCall.get(call.index()), call.resolved() ? "resolved" : "unresolved", null);
        } else {
            count("conflicts");
        }
    }

    @Override
    public void abandon(Scenario.Call call) {
        String id = conversationOfCall.get(call.index());
        Optional<ConversationRecord> c = id == null ? Optional.empty() : conversations.find(id);
        if (c.isPresent() && (c.get().status() == ConversationStatus.QUEUED
                || c.get().status() == ConversationStatus.OFFERED)) {
            lifecycle.abandon(id);
        } else {
            count("conflicts");
        }
    }

    @Override
    public long nextTimer() {
        Instant next = dispatcher.nextTimer();
        return next == null ? Long.MAX_VALUE : next.toEpochMilli();
    }

    @Override
    public void fireTimers() {
        Dispatched d = dispatcher.tick();
        if (!d.isEmpty()) {
            recorder.record(d, "a dispatch timer fired");
        }
    }

    @Override
    public boolean rebalance() {
        if (rebalance == null) {
            return false;
        }
        // The service skips, without solving, a rebalance that can only end with no move.
        RebalanceService.Report r = rebalance.run();
        if (r.solved()) {
            count("rebalanceRuns");
            counters.merge("rebalanceMoves", (long) r.moves(), Long::sum);
        } else {
            count("rebalanceSkipped");
        }
        return true;
    }

    @Override
    public boolean needsFirstReply(String queue) {
        return policies.workbench().dispatchOf(queue).reclaimAfterSeconds() > 0;
    }

    @Override
    public Map<String, Long> counters() {
        Map<String, Long> all = new LinkedHashMap<>(counters);
        decisions.counts().forEach((kind, n) -> all.put("decisions." + kind, n));
        return all;
    }

    private boolean holds(Scenario.Call call, ConversationStatus status, String agentId) {
        String id = conversationOfCall.get(call.index());
        Optional<ConversationRecord> c = id == null ? Optional.empty() : conversations.find(id);
        return c.isPresent() && c.get().status() == status && agentId.equals(c.get().agentId());
    }

    private void count(String what) {
        counters.merge(what, 1L, Long::sum);
    }

    // ---------------------------------------------------------------- what the store saw

    @Override
    public void inserted(ConversationRecord c) {
        Scenario.Call call = callsByExternalId.remove(c.externalId());
        callsByConversation.put(c.id(), call);
        conversationOfCall.put(call.index(), c.id());
        listener.classified(call, c.plan());
        if (c.status() != ConversationStatus.QUEUED) {
            listener.parked(call, c.status().wireName());
        }
    }

    @Override
    public void offered(String id, String agentId) {
        listener.offered(callsByConversation.get(id), agentId);
    }

    @Override
    public void assigned(String id, String agentId) {
        listener.answered(callsByConversation.get(id), agentId);
    }

    @Override
    public void returned(String id, String agentId, String why) {
        listener.returned(callsByConversation.get(id), agentId, why);
    }
}
