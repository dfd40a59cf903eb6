package io.convrouter.rebalance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.ReentrantLock;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;
import io.convrouter.audit.DecisionInputs;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.dispatch.Assignment;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.events.RoutingEvent;
import io.convrouter.events.RoutingEvents;
import io.convrouter.ids.Ids;
import io.convrouter.store.Durability;

/**
 * Periodically (and on demand) re-plans the waiting and offered-but-not-accepted conversations
 * across all agents with OptaPlanner, then applies the plan in two phases through the dispatcher
 * ({@link Dispatcher#replan}): every moved offer is taken back to the queue first, then the planned
 * places are claimed with the same atomic claims as real-time dispatch, as offers or assignments.
 * Accepted work is pinned: it only counts as load. Every change is logged
 * as a decision with the solver's score and the reason in words. Only the holder of the lease
 * rebalances, so several instances can share one database.
 */
public final class RebalanceService {

    /**
     * What one run did. {@code plannedMoves}: conversations the plan moves (placed, moved to another
     * agent, or offers taken back to the queue); {@code moves}: changes made, each logged as a
     * REBALANCED decision; {@code asPlanned}: those made exactly as planned.
     */
    public record Report(Instant at, boolean ran, String note, int movable, int plannedMoves, int moves, int asPlanned,
                         String score, long solveMillis, List<String> explanations) {

        /** Whether a solver ran (every solve ends with a score); false when skipped or not run. */
        public boolean solved() {
            return score != null;
        }
    }

    /** The note of a run that started no solver: no conversation could be placed better than it is. */
    public static final String NOTHING_TO_MOVE = "nothing to move: no waiting conversation has an eligible agent with room,"
            + " and no offer could go to another agent; no solve";

    private final Dispatcher dispatcher;
    private final Rebalancer rebalancer;
    private final PerformanceStats stats;
    private final DecisionLog decisions;
    private final RoutingEvents events;
    private final RebalanceLease lease;
    private final Durability durability;
    private final Clock clock;
    private final String instanceId;
    private final Duration leaseTtl;
    private final ReentrantLock running = new ReentrantLock();
    private volatile Report last;
    /** Told of every run (metrics); kept out of the constructor so wiring stays as it is. */
    private final List<java.util.function.Consumer<Report>> runListeners = new java.util.concurrent.CopyOnWriteArrayList<>();

    public RebalanceService(Dispatcher dispatcher, Rebalancer rebalancer, PerformanceStats stats, DecisionLog decisions,
                            RoutingEvents events, RebalanceLease lease, Durability durability, Clock clock,
                            String instanceId, Duration leaseTtl) {
        this.dispatcher = dispatcher;
        this.rebalancer = rebalancer;
        this.stats = stats;
        this.decisions = decisions;
        this.events = events;
        this.lease = lease;
        this.durability = durability;
        this.clock = clock;
        this.instanceId = instanceId;
        this.leaseTtl = leaseTtl;
    }

    public Report last() {
        return last;
    }

    /** Calls the listener after each run, with its report (on the thread that ran it). */
    public void onRun(java.util.function.Consumer<Report> listener) {
        runListeners.add(listener);
    }

    /** Runs once unless a run is already going (then reports that instead of waiting). */
    public Report run() {
        if (!running.tryLock()) {
            return new Report(clock.instant(), false, "a rebalance is already running", 0, 0, 0, 0, null, 0, List.of());
        }
        try {
            Report r = runLocked();
            last = r;
            runListeners.forEach(l -> l.accept(r));
            return r;
        } finally {
            running.unlock();
        }
    }

    private Report runLocked() {
        Instant now = clock.instant();
        if (!lease.acquire(instanceId, now, leaseTtl)) {
            return new Report(now, false, "another server instance holds the rebalance lease", 0, 0, 0, 0, null, 0, List.of());
        }
        Dispatcher.Snapshot snapshot = dispatcher.snapshot();
        if (snapshot.movable().isEmpty()) {
            return new Report(now, true, "nothing to rebalance: no conversation waiting or offered", 0, 0, 0, 0, null, 0,
                    List.of());
        }
        if (noOfferAndNoRoom(snapshot)) {
            return new Report(now, true, NOTHING_TO_MOVE, snapshot.movable().size(), 0, 0, 0, null, 0, List.of());
        }
        RebalancePlan problem = problem(snapshot);
        if (problem.nothingToMove()) {
            // After the dispatcher this is most runs: every agent who could take a waiting
            // conversation is full, and no offer could go elsewhere. Solving would find nothing.
            return new Report(now, true, NOTHING_TO_MOVE, snapshot.movable().size(), 0, 0, 0, null, 0, List.of());
        }
        Rebalancer.Result result = rebalancer.solve(problem);
        String score = result.score() == null ? null : result.score().toString();
        if (result.moves().isEmpty()) {
            String note = result.score() != null && result.score().hardScore() < 0
                    ? "no feasible plan found (score " + score + "): nothing applied"
                    : "the current plan is already the best found";
            return new Report(now, true, note, snapshot.movable().size(), 0, 0, 0, score, result.millis(), List.of());
        }
        Applying applying = new Applying(problem, result);
        Dispatcher.Replanned replanned = dispatcher.replan(applying.takeBack, applying.places);
        List<String> explanations = applying.record(replanned, score, result.millis());
        if (!explanations.isEmpty()) {
            durability.awaitDurable();
        }
        String note = applying.asPlanned + " of " + result.moves().size() + " planned moves applied";
        if (applying.notAsPlanned > 0) {
            note += "; " + applying.notAsPlanned + " could not be applied as planned (the conversation or the agent"
                    + " changed since the plan) and were dispatched as usual";
        }
        if (applying.freedForOthers > 0) {
            note += "; " + applying.freedForOthers + " other conversations given by the dispatcher to agents the plan freed";
        }
        return new Report(now, true, note, snapshot.movable().size(), result.moves().size(), explanations.size(),
                applying.asPlanned, score, result.millis(), explanations);
    }

    /**
     * One plan being applied: what to take back and where to claim (highest effective priority
     * first, so if the picture changed meanwhile the conversations the dispatcher would serve first
     * get their places first), and then a decision and events for every change.
     */
    private final class Applying {
        final Map<String, String> takeBack = new LinkedHashMap<>();
        final Map<String, String> places = new LinkedHashMap<>();
        final Map<String, PlanConversation> planned = new HashMap<>();
        final Map<String, PlanAgent> agentsById = new HashMap<>();
        final Map<String, Integer> plannedLoad = new HashMap<>();
        final Map<String, List<PlanConversation>> takers = new HashMap<>();
        int asPlanned;
        int notAsPlanned;
        int freedForOthers;

        Applying(RebalancePlan problem, Rebalancer.Result result) {
            problem.getAgents().forEach(a -> agentsById.put(a.id(), a));
            for (PlanConversation c : result.best().getConversations()) {
                planned.put(c.getId(), c);
                if (c.getAgent() != null) {
                    plannedLoad.merge(c.getAgent().id(), 1, Integer::sum);
                    if (!c.getAgent().id().equals(c.getCurrentAgentId())) {
                        takers.computeIfAbsent(c.getAgent().id(), k -> new ArrayList<>()).add(c);
                    }
                }
            }
            List<Rebalancer.Move> moves = new ArrayList<>(result.moves());
            moves.sort(Comparator.comparingDouble((Rebalancer.Move m) -> -planned.get(m.conversationId()).getEffectivePriority())
                    .thenComparingLong(m -> -planned.get(m.conversationId()).getWaitedSeconds())
                    .thenComparing(Rebalancer.Move::conversationId));
            for (Rebalancer.Move m : moves) {
                if (m.fromAgentId() != null) {
                    takeBack.put(m.conversationId(), m.fromAgentId());
                }
                if (m.toAgentId() != null) {
                    places.put(m.conversationId(), m.toAgentId());
                }
            }
        }

        /** Logs every change as a REBALANCED decision and publishes its events; returns the explanations. */
        List<String> record(Dispatcher.Replanned r, String score, long solveMillis) {
            String prefix = "rebalanced (score " + score + ", solved in " + solveMillis + " ms): ";
            Map<String, String> takenFrom = new HashMap<>();
            r.takenBack().forEach(t -> takenFrom.put(t.conversation().id(), t.fromAgentId()));
            Set<String> handled = new HashSet<>();
            List<String> explanations = new ArrayList<>();
            for (Assignment a : r.asPlanned()) {
                String id = a.conversation().id();
                PlanConversation c = planned.get(id);
                String why = Rebalancer.explain(c, agentsById.get(a.agentId()),
                        c.getCurrentAgentId() == null ? null : agentsById.get(c.getCurrentAgentId()), plannedLoad);
                asPlanned++;
                handled.add(id);
                placed(a, takenFrom.get(id), prefix, why, explanations);
            }
            for (Assignment a : r.otherwise().assignments()) {
                String id = a.conversation().id();
                String plannedTo = places.get(id);
                String why;
                if (plannedTo != null) {
                    why = "planned for agent " + plannedTo + ", who could no longer take it when the plan was applied;"
                            + " dispatched as usual to agent " + a.agentId();
                    notAsPlanned++;
                } else if (takenFrom.containsKey(id)) {
                    why = "offer to agent " + takenFrom.get(id) + " taken back to the queue as planned; agent " + a.agentId()
                            + " had room for it when the plan was applied, so the dispatcher offered it there";
                    notAsPlanned++;
                } else {
                    why = "dispatched as usual to agent " + a.agentId() + ", whose place the plan freed";
                    freedForOthers++;
                }
                handled.add(id);
                placed(a, takenFrom.get(id), prefix, why, explanations);
            }
            for (Dispatcher.TakenBack t : r.takenBack()) {
                String id = t.conversation().id();
                if (handled.contains(id)) {
                    continue;
                }
                PlanConversation c = planned.get(id);
                String plannedTo = places.get(id);
                String why;
                if (plannedTo == null) {
                    why = Rebalancer.explainBackToQueue(c, agentsById.get(t.fromAgentId()),
                            takers.getOrDefault(t.fromAgentId(), List.of()));
                    asPlanned++;
                } else {
                    why = "offer to agent " + t.fromAgentId() + " taken back; planned for agent " + plannedTo
                            + ", who could no longer take it when the plan was applied; waits in the queue, keeping its age";
                    notAsPlanned++;
                }
                ConversationRecord back = t.conversation();
                explanations.add(id + " " + why);
                decisions.append(new DecisionRecord(Ids.newId(), DecisionKind.REBALANCED, clock.instant(), id,
                        back.rulesetVersion(), DecisionInputs.of(back), List.of(), back.plan(), List.of(), null, "queued",
                        prefix + why, 0));
                events.publish(new RoutingEvent(RoutingEvent.OFFER_REVOKED, id, t.fromAgentId(), clock.instant(),
                        Map.of("queue", back.plan().queue(), "rebalanced", true, "reason", why)));
            }
            return explanations;
        }

        private void placed(Assignment a, String takenFrom, String prefix, String why, List<String> explanations) {
            String id = a.conversation().id();
            boolean offered = a.conversation().status() == ConversationStatus.OFFERED;
            explanations.add(id + " " + why);
            decisions.append(new DecisionRecord(Ids.newId(), DecisionKind.REBALANCED, clock.instant(), id,
                    a.conversation().rulesetVersion(), DecisionInputs.of(a.conversation()), List.of(), a.conversation().plan(),
                    a.candidates(), a.agentId(), offered ? "offered" : "assigned", prefix + why, a.decisionNanos() / 1000));
            if (takenFrom != null) {
                events.publish(new RoutingEvent(RoutingEvent.OFFER_REVOKED, id, takenFrom, clock.instant(),
                        Map.of("queue", a.conversation().plan().queue(), "rebalanced", true, "reason",
                                "re-offered to agent " + a.agentId())));
            }
            Map<String, Object> data = new LinkedHashMap<>();
            data.put("queue", a.conversation().plan().queue());
            data.put("rebalanced", true);
            if (offered && a.conversation().progress().offerExpiresAt() != null) {
                data.put("offerExpiresAt", a.conversation().progress().offerExpiresAt().toString());
            }
            events.publish(new RoutingEvent(offered ? RoutingEvent.OFFERED : RoutingEvent.ACCEPTED, id, a.agentId(),
                    clock.instant(), data));
        }
    }

    /**
     * The common case of {@link RebalancePlan#nothingToMove()}, seen without building the plan: no
     * offer is ringing (nothing to take back or move) and no agent who may be given work now has a
     * free place on the channel of any waiting conversation (every placement would break capacity).
     */
    static boolean noOfferAndNoRoom(Dispatcher.Snapshot snapshot) {
        Set<String> channels = new HashSet<>();
        for (Dispatcher.Movable m : snapshot.movable()) {
            if (m.offeredTo() != null) {
                return false;
            }
            channels.add(m.requirements().channel());
        }
        for (Agent a : snapshot.agents()) {
            if (a.presence() == Presence.ONLINE && !a.wrappingUpAt(snapshot.at())) {
                for (String channel : channels) {
                    if (a.hasSpareCapacity(channel)) {
                        return false;
                    }
                }
            }
        }
        return true;
    }

    /** The solver's picture: agents with what they have left besides movable work, and the movable conversations. */
    RebalancePlan problem(Dispatcher.Snapshot snapshot) {
        Set<String> movableIds = new HashSet<>();
        Set<String> intents = new HashSet<>();
        snapshot.movable().forEach(m -> {
            movableIds.add(m.conversation().id());
            intents.add(m.conversation().plan().intent() == null ? "" : m.conversation().plan().intent());
        });
        List<PlanAgent> agents = new ArrayList<>();
        for (Agent a : snapshot.agents()) {
            Map<String, Integer> free = new LinkedHashMap<>();
            a.capacity().forEach((ch, cap) -> free.put(ch, cap - a.loadOn(ch)));
            int freeUnits = a.maxUnits() - a.unitsUsed();
            int pinned = 0;
            for (Agent.ActiveConversation held : a.active()) {
                if (movableIds.contains(held.conversationId())) {
                    free.merge(held.channel(), 1, Integer::sum); // an offer out is movable, not load
                    freeUnits += held.units();
                } else {
                    pinned++;
                }
            }
            Map<String, Double> performance = new HashMap<>();
            for (String intent : intents) {
                PerformanceStats.Record r = stats.of(a.id(), intent.isEmpty() ? null : intent);
                performance.put(intent, 0.7 * r.resolutionRate() + 0.3 * r.satisfaction() / 5.0);
            }
            boolean available = a.presence() == Presence.ONLINE && !a.wrappingUpAt(snapshot.at());
            agents.add(new PlanAgent(a.id(), available, a.skills(), a.languages(), a.teams(), a.queues(), free,
                    Math.max(0, freeUnits), pinned, performance));
        }
        Map<String, PlanAgent> byId = new HashMap<>();
        agents.forEach(a -> byId.put(a.id(), a));
        List<PlanConversation> conversations = new ArrayList<>();
        // Highest effective priority first: the order construction places them in, as the dispatcher would.
        List<Dispatcher.Movable> movable = new ArrayList<>(snapshot.movable());
        movable.sort(Comparator.comparingDouble((Dispatcher.Movable m) -> -m.effectivePriority())
                .thenComparingLong(m -> -m.waitedSeconds()).thenComparing(m -> m.conversation().id()));
        for (Dispatcher.Movable m : movable) {
            var r = m.requirements();
            PlanConversation c = new PlanConversation(m.conversation().id(), r.channel(), r.units(), r.skills(),
                    r.language(), r.team(), r.servedBy(), r.excluded(), r.onlyAgent(),
                    m.conversation().plan().preferredAgentId(), m.conversation().plan().priority(), m.effectivePriority(),
                    m.waitedSeconds(), m.conversation().plan().intent(), m.offeredTo());
            c.setAgent(m.offeredTo() == null ? null : byId.get(m.offeredTo())); // warm start from the current plan
            conversations.add(c);
        }
        return new RebalancePlan(agents, conversations);
    }
}
