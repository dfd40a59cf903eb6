package io.convrouter.rebalance;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.dispatch.Assignment;
import io.convrouter.dispatch.Dispatched;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.events.RoutingEvent;
import io.convrouter.events.RoutingEvents;
import io.convrouter.ids.Ids;
import io.convrouter.store.Durability;

/**
 * Periodically (and on demand) re-plans the waiting and offered-but-not-accepted conversations
 * across all agents with OptaPlanner, then applies the plan through the dispatcher's atomic claims
 * as offers or assignments. Accepted work is pinned: it only counts as load. Every move is logged
 * as a decision with the solver's score and the reason in words. Only the holder of the lease
 * rebalances, so several instances can share one database.
 */
public final class RebalanceService {

    /** What one run did. */
    public record Report(Instant at, boolean ran, String note, int movable, int moves, String score, long solveMillis,
                         List<String> explanations) {}

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

    /** Runs once unless a run is already going (then reports that instead of waiting). */
    public Report run() {
        if (!running.tryLock()) {
            return new Report(clock.instant(), false, "a rebalance is already running", 0, 0, null, 0, List.of());
        }
        try {
            Report r = runLocked();
            last = r;
            return r;
        } finally {
            running.unlock();
        }
    }

    private Report runLocked() {
        Instant now = clock.instant();
        if (!lease.acquire(instanceId, now, leaseTtl)) {
            return new Report(now, false, "another server instance holds the rebalance lease", 0, 0, null, 0, List.of());
        }
        Dispatcher.Snapshot snapshot = dispatcher.snapshot();
        if (snapshot.movable().isEmpty()) {
            return new Report(now, true, "nothing to rebalance: no conversation waiting or offered", 0, 0, null, 0, List.of());
        }
        RebalancePlan problem = problem(snapshot);
        Rebalancer.Result result = rebalancer.solve(problem);
        Map<String, PlanAgent> agentsById = new HashMap<>();
        problem.getAgents().forEach(a -> agentsById.put(a.id(), a));
        Map<String, PlanConversation> byId = new HashMap<>();
        result.best().getConversations().forEach(c -> byId.put(c.getId(), c));
        Map<String, Integer> plannedLoad = new HashMap<>();
        result.best().getConversations().stream().filter(c -> c.getAgent() != null)
                .forEach(c -> plannedLoad.merge(c.getAgent().id(), 1, Integer::sum));
        List<Rebalancer.Move> ordered = applicableInOrder(result.moves(), problem);
        Map<String, String> placements = new LinkedHashMap<>();
        Map<String, String> reasons = new HashMap<>();
        for (Rebalancer.Move m : ordered) {
            placements.put(m.conversationId(), m.toAgentId());
            reasons.put(m.conversationId(), Rebalancer.explain(byId.get(m.conversationId()), agentsById.get(m.toAgentId()),
                    m.fromAgentId() == null ? null : agentsById.get(m.fromAgentId()), plannedLoad));
        }
        Dispatched applied = placements.isEmpty() ? Dispatched.none() : dispatcher.place(placements);
        String score = result.score() == null ? null : result.score().toString();
        List<String> explanations = new ArrayList<>();
        int asPlanned = 0;
        for (Assignment a : applied.assignments()) {
            String id = a.conversation().id();
            String planned = placements.get(id);
            String why;
            if (a.agentId().equals(planned)) {
                why = reasons.get(id);
                asPlanned++;
            } else if (planned != null) {
                // The conversation or the agent changed after the snapshot: the dispatcher placed it as usual.
                why = "planned for agent " + planned + ", who could no longer take it when the plan was applied;"
                        + " dispatched as usual to agent " + a.agentId();
            } else {
                why = "dispatched as usual to agent " + a.agentId() + " while applying the plan";
            }
            boolean offered = a.conversation().status() == ConversationStatus.OFFERED;
            explanations.add(id + " " + why);
            decisions.append(new DecisionRecord(Ids.newId(), DecisionKind.REBALANCED, clock.instant(), id,
                    a.conversation().rulesetVersion(), DecisionInputs.of(a.conversation()), List.of(), a.conversation().plan(),
                    a.candidates(), a.agentId(), offered ? "offered" : "assigned",
                    "rebalanced (score " + score + ", solved in " + result.millis() + " ms): " + why, a.decisionNanos() / 1000));
            events.publish(new RoutingEvent(offered ? RoutingEvent.OFFERED : RoutingEvent.ACCEPTED, id,
                    a.agentId(), clock.instant(), Map.of("queue", a.conversation().plan().queue(), "rebalanced", true)));
        }
        if (!applied.isEmpty()) {
            durability.awaitDurable();
        }
        String note;
        if (result.moves().isEmpty()) {
            note = "the current plan is already the best found";
        } else {
            note = asPlanned + " of " + result.moves().size() + " planned moves applied";
            if (ordered.size() < result.moves().size()) {
                note += "; " + (result.moves().size() - ordered.size()) + " left out (they need a place that only a"
                        + " swap between full agents, or an offer taken back to the queue, would free; the dispatcher"
                        + " applies neither)";
            }
            if (applied.assignments().size() > asPlanned) {
                note += "; " + (applied.assignments().size() - asPlanned) + " other placements made by the dispatcher";
            }
        }
        return new Report(now, true, note, snapshot.movable().size(), applied.assignments().size(), score,
                result.millis(), explanations);
    }

    /**
     * The planned moves in an order the dispatcher can apply one at a time, each finding a free
     * place on its agent: {@link Dispatcher#place} takes a moved offer off its agent and claims the
     * new agent in one step, so a move onto an agent who is full until another move frees it must
     * come after that move. Moves that find no place in any order (a swap or a cycle between full
     * agents, or room the plan expected from an offer it would send back to the queue, which is
     * not applied) are left out: applied anyway, the dispatcher would only offer those conversations
     * again to whoever is free, usually where they were.
     */
    static List<Rebalancer.Move> applicableInOrder(List<Rebalancer.Move> moves, RebalancePlan problem) {
        Map<String, PlanAgent> agents = new HashMap<>();
        problem.getAgents().forEach(a -> agents.put(a.id(), a));
        Map<String, PlanConversation> conversations = new HashMap<>();
        problem.getConversations().forEach(c -> conversations.put(c.getId(), c));
        // Places and units left on each agent now: what the solver saw, less the offers still out.
        Map<String, Map<String, Integer>> places = new HashMap<>();
        Map<String, Integer> units = new HashMap<>();
        for (PlanAgent a : problem.getAgents()) {
            places.put(a.id(), new HashMap<>(a.freePlaces()));
            units.put(a.id(), a.freeUnits());
        }
        for (PlanConversation c : problem.getConversations()) {
            if (c.getCurrentAgentId() != null && agents.containsKey(c.getCurrentAgentId())) {
                places.get(c.getCurrentAgentId()).merge(c.getChannel(), -1, Integer::sum);
                units.merge(c.getCurrentAgentId(), -c.getUnits(), Integer::sum);
            }
        }
        List<Rebalancer.Move> pending = new ArrayList<>(moves);
        List<Rebalancer.Move> ordered = new ArrayList<>(moves.size());
        boolean progress = true;
        while (progress && !pending.isEmpty()) {
            progress = false;
            for (var it = pending.iterator(); it.hasNext(); ) {
                Rebalancer.Move m = it.next();
                PlanConversation c = conversations.get(m.conversationId());
                if (c == null || !agents.containsKey(m.toAgentId())) {
                    it.remove();
                    continue;
                }
                String from = agents.containsKey(c.getCurrentAgentId()) ? c.getCurrentAgentId() : null;
                if (places.get(m.toAgentId()).getOrDefault(c.getChannel(), 0) < 1
                        || units.get(m.toAgentId()) < c.getUnits()) {
                    continue;
                }
                places.get(m.toAgentId()).merge(c.getChannel(), -1, Integer::sum);
                units.merge(m.toAgentId(), -c.getUnits(), Integer::sum);
                if (from != null) {
                    places.get(from).merge(c.getChannel(), 1, Integer::sum);
                    units.merge(from, c.getUnits(), Integer::sum);
                }
                ordered.add(m);
                it.remove();
                progress = true;
            }
        }
        return ordered;
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
        for (Dispatcher.Movable m : snapshot.movable()) {
            var r = m.requirements();
            PlanConversation c = new PlanConversation(m.conversation().id(), r.channel(), r.units(), r.skills(),
                    r.language(), r.team(), r.servedBy(), r.excluded(), m.conversation().plan().preferredAgentId(),
                    m.conversation().plan().priority(), m.waitedSeconds(), m.conversation().plan().intent(), m.offeredTo());
            c.setAgent(m.offeredTo() == null ? null : byId.get(m.offeredTo())); // warm start from the current plan
            conversations.add(c);
        }
        return new RebalancePlan(agents, conversations);
    }
}
