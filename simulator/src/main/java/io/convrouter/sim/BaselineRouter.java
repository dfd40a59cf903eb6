package io.convrouter.sim;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeSet;

import io.convrouter.classify.Classification;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.facts.CustomerHistory;
import io.convrouter.workbench.QueueDispatch;
import io.convrouter.workbench.Workbench;

/**
 * The textbook policies the routing core is compared with. Each call is classified by the same
 * rules (so every policy is asked for the same skills), then routed the simple way: one line in
 * arrival order (no priority, no relaxation, no sticky agent), and a free agent chosen at random,
 * in rotation, by least load, or by longest idle. What is physical stays: an agent's capacity per
 * channel, offers that ring before they are answered (and time out), and wrap-up after a call.
 */
final class BaselineRouter implements Router {

    enum Mode { RANDOM, ROUND_ROBIN, LEAST_BUSY, POOLED_FIFO }

    private static final int WRAP_UP_END = 0;
    private static final int OFFER_TIMEOUT = 1;

    private final class AgentState {
        final Scenario.AgentSpec spec;
        final int order;
        final Map<String, Integer> load = new HashMap<>();
        boolean online;
        long wrapUntil = Long.MIN_VALUE;
        long lastAssigned = Long.MIN_VALUE;
        long idleSince;

        AgentState(Scenario.AgentSpec spec, int order) {
            this.spec = spec;
            this.order = order;
        }

        boolean free(String channel, long now) {
            return online && now >= wrapUntil && load.getOrDefault(channel, 0) < spec.capacity().getOrDefault(channel, 0);
        }

        double loadRatio(String channel) {
            int cap = spec.capacity().getOrDefault(channel, 0);
            return cap == 0 ? 1.0 : (double) load.getOrDefault(channel, 0) / cap;
        }
    }

    private record Waiting(Scenario.Call call, Classification.Plan plan, Set<String> declined) {}

    private record Offer(String agentId, long epoch) {}

    private final Mode mode;
    private final Scenario scenario;
    private final PolicySet policies;
    private final SimClock clock;
    private final SplittableRandom random;
    private final Map<String, AgentState> agents = new LinkedHashMap<>();
    private final TreeSet<Integer> line = new TreeSet<>();
    private final Map<Integer, Waiting> calls = new HashMap<>();
    private final Map<Integer, Offer> offers = new HashMap<>();
    private final PriorityQueue<long[]> timers = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
            : Long.compare(a[4], b[4]));
    private final RoutingInput.Defaults defaults;
    private long timerSeq;
    private long offerSeq;
    private Listener listener;

    BaselineRouter(Mode mode, Scenario scenario, PolicySet policies, SimClock clock) {
        this.mode = mode;
        this.scenario = scenario;
        this.policies = policies;
        this.clock = clock;
        this.random = new SplittableRandom(scenario.seed() * 31 + mode.ordinal());
        Workbench.RoutingDefaults d = policies.workbench().routing();
        this.defaults = new RoutingInput.Defaults(d.defaultQueue(), d.defaultPriority(), d.defaultSlaSeconds(),
                d.defaultLanguage());
    }

    @Override
    public void start(Listener l) {
        this.listener = l;
        int order = 0;
        for (Scenario.AgentSpec a : scenario.agents()) {
            AgentState s = new AgentState(a, order++);
            s.idleSince = clock.millis();
            agents.put(a.id(), s);
        }
    }

    @Override
    public void arrive(Scenario.Call call, boolean returning, String lastAgentId) {
        long now = clock.millis();
        Classification.Plan plan = new RoutingInput(call.id(), call.channel(), call.text(), call.language(),
                call.customerId(), call.tier(), returning, lastAgentId, 0, Set.of(), null, null, null, call.fields())
                .withHistory(CustomerHistory.empty(Instant.ofEpochMilli(now)))
                .classify(policies.classifier(), policies.ruleset(), defaults).plan();
        listener.classified(call, plan);
        if (plan.dropped()) {
            listener.parked(call, "dropped");
            return;
        }
        if (plan.botFirst()) {
            listener.parked(call, "bot");
            return;
        }
        Waiting w = new Waiting(call, plan, new HashSet<>());
        calls.put(call.index(), w);
        route(w, now);
    }

    /** Gives the call to a free agent this policy picks, or puts it in line. */
    private void route(Waiting w, long now) {
        List<AgentState> free = new ArrayList<>();
        for (AgentState a : agents.values()) {
            if (eligible(a, w, now)) {
                free.add(a);
            }
        }
        if (free.isEmpty()) {
            line.add(w.call().index());
            return;
        }
        AgentState chosen = switch (mode) {
            case RANDOM -> free.get(random.nextInt(free.size()));
            case ROUND_ROBIN -> best(free, (a, b) -> Long.compare(a.lastAssigned, b.lastAssigned));
            case LEAST_BUSY -> best(free, (a, b) -> {
                int c = Double.compare(a.loadRatio(w.call().channel()), b.loadRatio(w.call().channel()));
                return c != 0 ? c : Long.compare(a.idleSince, b.idleSince);
            });
            case POOLED_FIFO -> best(free, (a, b) -> Long.compare(a.idleSince, b.idleSince));
        };
        give(w, chosen, now);
    }

    private static AgentState best(List<AgentState> free, java.util.Comparator<AgentState> order) {
        AgentState best = null;
        for (AgentState a : free) {
            if (best == null || order.compare(a, best) < 0) {
                best = a; // ties keep the first in roster order
            }
        }
        return best;
    }

    private boolean eligible(AgentState a, Waiting w, long now) {
        if (!a.free(w.call().channel(), now) || w.declined().contains(a.spec.id())) {
            return false;
        }
        String language = w.plan().language();
        boolean speaks = language == null || a.spec.languages().contains(language);
        return switch (mode) {
            case RANDOM, ROUND_ROBIN -> speaks && a.spec.skills().keySet().containsAll(w.plan().requiredSkills().keySet());
            case LEAST_BUSY -> speaks;
            case POOLED_FIFO -> true;
        };
    }

    private void give(Waiting w, AgentState a, long now) {
        line.remove(w.call().index());
        a.load.merge(w.call().channel(), 1, Integer::sum);
        a.lastAssigned = now;
        QueueDispatch d = policies.workbench().dispatchOf(w.plan().queue());
        if (d.autoAccept()) {
            listener.answered(w.call(), a.spec.id());
            return;
        }
        long epoch = ++offerSeq;
        offers.put(w.call().index(), new Offer(a.spec.id(), epoch));
        timers.add(new long[] {now + d.offerTimeoutSeconds() * 1000L, OFFER_TIMEOUT, w.call().index(), epoch, timerSeq++});
        listener.offered(w.call(), a.spec.id());
    }

    /** Gives the agent the first calls in line it may take, until it is full. */
    private void feed(AgentState a, long now) {
        boolean gave = true;
        while (gave && a.online && now >= a.wrapUntil) {
            gave = false;
            for (Integer index : line) {
                Waiting w = calls.get(index);
                if (eligible(a, w, now)) {
                    give(w, a, now);
                    gave = true;
                    break;
                }
            }
        }
    }

    private void release(AgentState a, Scenario.Call call, long now) {
        a.load.merge(call.channel(), -1, Integer::sum);
        a.idleSince = now;
    }

    @Override
    public void presence(String agentId, boolean online) {
        AgentState a = agents.get(agentId);
        long now = clock.millis();
        if (online && !a.online) {
            a.idleSince = now;
        }
        a.online = online;
        if (online) {
            feed(a, now);
        }
    }

    @Override
    public void accept(Scenario.Call call, String agentId) {
        Offer o = offers.get(call.index());
        if (o != null && o.agentId().equals(agentId)) {
            offers.remove(call.index());
            listener.answered(call, agentId);
        }
    }

    @Override
    public void reject(Scenario.Call call, String agentId) {
        Offer o = offers.get(call.index());
        if (o != null && o.agentId().equals(agentId)) {
            declined(call, agentId, clock.millis());
        }
    }

    /** The offer was declined or timed out: never back to that agent, the call keeps its place by age. */
    private void declined(Scenario.Call call, String agentId, long now) {
        offers.remove(call.index());
        AgentState a = agents.get(agentId);
        release(a, call, now);
        Waiting w = calls.get(call.index());
        w.declined().add(agentId);
        listener.returned(call, agentId, "declined");
        route(w, now);
        feed(a, now);
    }

    @Override
    public void firstReply(Scenario.Call call, String agentId) {
        // no reclaim in the baselines
    }

    @Override
    public void complete(Scenario.Call call, String agentId) {
        long now = clock.millis();
        AgentState a = agents.get(agentId);
        release(a, call, now);
        Waiting w = calls.remove(call.index());
        int wrap = policies.workbench().dispatchOf(w.plan().queue()).wrapUpSeconds();
        if (wrap > 0) {
            a.wrapUntil = now + wrap * 1000L;
            timers.add(new long[] {a.wrapUntil, WRAP_UP_END, a.order, 0, timerSeq++});
        }
        feed(a, now);
    }

    @Override
    public void abandon(Scenario.Call call) {
        long now = clock.millis();
        Offer o = offers.remove(call.index());
        line.remove(call.index());
        calls.remove(call.index());
        if (o != null) {
            AgentState a = agents.get(o.agentId());
            release(a, call, now);
            feed(a, now);
        }
    }

    @Override
    public long nextTimer() {
        return timers.isEmpty() ? Long.MAX_VALUE : timers.peek()[0];
    }

    @Override
    public void fireTimers() {
        long now = clock.millis();
        List<AgentState> roster = new ArrayList<>(agents.values());
        while (!timers.isEmpty() && timers.peek()[0] <= now) {
            long[] t = timers.poll();
            if (t[1] == WRAP_UP_END) {
                feed(roster.get((int) t[2]), now);
            } else {
                Offer o = offers.get((int) t[2]);
                if (o != null && o.epoch() == t[3]) {
                    declined(calls.get((int) t[2]).call(), o.agentId(), now);
                }
            }
        }
    }

    @Override
    public boolean rebalance() {
        return false;
    }

    @Override
    public boolean needsFirstReply(String queue) {
        return false;
    }

    @Override
    public Map<String, Long> counters() {
        return Map.of();
    }
}
