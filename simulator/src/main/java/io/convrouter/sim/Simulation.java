package io.convrouter.sim;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.SplittableRandom;

import io.convrouter.classify.Classification;

/**
 * The event loop of one run: one policy, one scenario, in virtual time. Customers arrive, wait,
 * hang up when their patience runs out, are served for their service time; agents come online and
 * go offline with their shifts and answer offers as the scenario's agent behaviour says; the
 * policy's own timers (offer expiry, relaxation, wrap-up...) fire exactly when due, and the
 * rebalancer runs at its interval. Events at the same instant run in the order they were
 * scheduled, so a run is a function of its scenario (and seed) alone.
 */
final class Simulation implements Router.Listener {

    enum State { PENDING, WAITING, OFFERED, SERVING, DONE, ABANDONED, PARKED }

    private static final int PRESENCE_ON = 0;
    private static final int PRESENCE_OFF = 1;
    private static final int ARRIVAL = 2;
    private static final int PATIENCE = 3;
    private static final int ACCEPT = 4;
    private static final int REJECT = 5;
    private static final int FIRST_REPLY = 6;
    private static final int SERVICE_END = 7;
    private static final int REBALANCE = 8;
    private static final String[] EVENT_NAMES = {"agent online", "agent offline", "arrival", "patience ends", "accept",
            "reject", "first reply", "service ends", "rebalance"};

    private final Scenario scenario;
    private final String policy;
    private final Router router;
    private final SimClock clock;
    private final Progress progress;
    private final PolicySet policies;
    private final Map<String, Integer> wrapUps = new HashMap<>();
    private final PriorityQueue<long[]> events = new PriorityQueue<>((a, b) -> a[0] != b[0] ? Long.compare(a[0], b[0])
            : Long.compare(a[1], b[1]));
    private long seq;

    // per call
    private final List<Scenario.Call> calls;
    private final State[] state;
    private final long[] answeredAt;
    private final long[] reachedAt;
    private final int[] agentOf;
    private final int[] epoch;
    private final int[] attempts;
    private final int[] lastAgentAtArrival;
    private final Classification.Plan[] plans;
    private final String[] parkedAs;
    private final int[] returns;

    // per agent
    private final Map<String, Integer> agentIndex = new HashMap<>();
    private final String[] agentIds;
    private final boolean[] online;
    private final int[] active;
    private final long[] wrapUntil;
    private final long[] onlineMillis;
    private final long[] busyMillis;
    private final long[] lastChange;
    private final int[] answeredBy;

    private final Map<String, Integer> lastAgentOfCustomer = new HashMap<>();
    private final Map<String, Long> returnsByReason = new java.util.TreeMap<>();
    private final long measureFrom;
    private final long bucketMillis;
    private final double[] waitingArea;
    private long waitingNow;
    private long waitingSince;
    private long inSystem;
    private long eventsHandled;

    Simulation(Scenario scenario, String policy, Router router, SimClock clock, PolicySet policies, Progress progress) {
        this.scenario = scenario;
        this.policies = policies;
        this.policy = policy;
        this.router = router;
        this.clock = clock;
        this.progress = progress;
        this.calls = scenario.calls();
        int n = calls.size();
        state = new State[n];
        java.util.Arrays.fill(state, State.PENDING);
        answeredAt = new long[n];
        java.util.Arrays.fill(answeredAt, -1);
        reachedAt = new long[n];
        java.util.Arrays.fill(reachedAt, -1);
        agentOf = new int[n];
        java.util.Arrays.fill(agentOf, -1);
        epoch = new int[n];
        attempts = new int[n];
        lastAgentAtArrival = new int[n];
        java.util.Arrays.fill(lastAgentAtArrival, -1);
        plans = new Classification.Plan[n];
        parkedAs = new String[n];
        returns = new int[n];
        int m = scenario.agents().size();
        agentIds = new String[m];
        for (int i = 0; i < m; i++) {
            agentIds[i] = scenario.agents().get(i).id();
            agentIndex.put(agentIds[i], i);
        }
        online = new boolean[m];
        active = new int[m];
        wrapUntil = new long[m];
        java.util.Arrays.fill(wrapUntil, Long.MIN_VALUE);
        onlineMillis = new long[m];
        busyMillis = new long[m];
        lastChange = new long[m];
        java.util.Arrays.fill(lastChange, scenario.start());
        answeredBy = new int[m];
        measureFrom = Math.min(scenario.end(), scenario.start() + scenario.report().warmUpMillis());
        bucketMillis = scenario.report().bucketMinutes() * 60_000L;
        waitingArea = new double[(int) Math.max(1, (scenario.end() - scenario.start() + bucketMillis - 1) / bucketMillis)];
        waitingSince = scenario.start();
    }

    PolicyResult run() {
        router.start(this);
        // Presence first: an agent whose shift starts as a call arrives is there to take it.
        for (int i = 0; i < scenario.agents().size(); i++) {
            for (Scenario.Interval iv : scenario.agents().get(i).online()) {
                schedule(iv.from(), PRESENCE_ON, i, 0);
                schedule(iv.to(), PRESENCE_OFF, i, 0);
            }
        }
        for (Scenario.Call c : calls) {
            schedule(c.arrival(), ARRIVAL, c.index(), 0);
            if (c.patienceMillis() != Scenario.Call.NO_PATIENCE_LIMIT) {
                schedule(c.arrival() + c.patienceMillis(), PATIENCE, c.index(), 0);
            }
        }
        if (Policies.DISPATCHER_REBALANCER.equals(policy)) {
            schedule(scenario.start() + scenario.rebalance().intervalSeconds() * 1000L, REBALANCE, 0, 0);
        }
        long hardStop = scenario.end() + Scenario.DRAIN_MILLIS;
        long span = Math.max(1, scenario.end() - scenario.start());
        while (true) {
            long timer = router.nextTimer();
            long next = events.isEmpty() ? Long.MAX_VALUE : events.peek()[0];
            long t = Math.min(timer, next);
            if (t == Long.MAX_VALUE || t > hardStop || (t >= scenario.end() && inSystem == 0)) {
                break;
            }
            if (timer <= next) {
                clock.set(Math.max(clock.millis(), timer));
                router.fireTimers();
            } else {
                long[] e = events.poll();
                clock.set(e[0]);
                handle(e);
            }
            if ((++eventsHandled & 0x3f) == 0) {
                progress.report(policy, (double) (clock.millis() - scenario.start()) / span, eventsHandled);
            }
        }
        long stop = Math.min(clock.millis(), hardStop);
        integrateWaiting(stop);
        for (int a = 0; a < agentIds.length; a++) {
            account(a, Math.max(stop, lastChange[a]));
        }
        progress.done(policy, eventsHandled);
        return PolicyResult.of(this);
    }

    private void schedule(long at, int type, int subject, int stamp) {
        events.add(new long[] {at, seq++, type, subject, stamp});
    }

    private void handle(long[] e) {
        int type = (int) e[2];
        int subject = (int) e[3];
        int stamp = (int) e[4];
        long now = e[0];
        try {
            switch (type) {
                case PRESENCE_ON, PRESENCE_OFF -> {
                    account(subject, now);
                    online[subject] = type == PRESENCE_ON;
                    router.presence(agentIds[subject], online[subject]);
                }
                case ARRIVAL -> {
                    Scenario.Call c = calls.get(subject);
                    state[subject] = State.WAITING;
                    inSystem++;
                    changeWaiting(now, +1);
                    boolean returning = false;
                    String lastAgent = null;
                    if (c.customerId() != null) {
                        returning = lastAgentOfCustomer.containsKey(c.customerId());
                        Integer last = lastAgentOfCustomer.get(c.customerId());
                        if (last != null && last >= 0) {
                            lastAgentAtArrival[subject] = last;
                            lastAgent = agentIds[last];
                        }
                        lastAgentOfCustomer.putIfAbsent(c.customerId(), -1);
                    }
                    router.arrive(c, returning, lastAgent);
                }
                case PATIENCE -> {
                    if (state[subject] == State.WAITING || state[subject] == State.OFFERED) {
                        router.abandon(calls.get(subject));
                        changeWaiting(now, -1);
                        state[subject] = State.ABANDONED;
                        answeredAt[subject] = -1;
                        epoch[subject]++;
                        inSystem--;
                    }
                }
                case ACCEPT, REJECT -> {
                    if (state[subject] == State.OFFERED && epoch[subject] == stamp) {
                        Scenario.Call c = calls.get(subject);
                        if (type == ACCEPT) {
                            router.accept(c, agentIds[agentOf[subject]]);
                        } else {
                            router.reject(c, agentIds[agentOf[subject]]);
                        }
                    }
                }
                case FIRST_REPLY -> {
                    if (state[subject] == State.SERVING && epoch[subject] == stamp) {
                        router.firstReply(calls.get(subject), agentIds[agentOf[subject]]);
                    }
                }
                case SERVICE_END -> {
                    if (state[subject] == State.SERVING && epoch[subject] == stamp) {
                        Scenario.Call c = calls.get(subject);
                        int a = agentOf[subject];
                        router.complete(c, agentIds[a]);
                        account(a, now);
                        active[a]--;
                        Classification.Plan plan = plans[subject];
                        int wrap = plan == null ? 0 : wrapUpSeconds(plan.queue());
                        if (wrap > 0) {
                            wrapUntil[a] = Math.max(wrapUntil[a], now + wrap * 1000L);
                        }
                        state[subject] = State.DONE;
                        inSystem--;
                    }
                }
                case REBALANCE -> {
                    router.rebalance();
                    if (now < scenario.end() || inSystem > 0) {
                        schedule(now + scenario.rebalance().intervalSeconds() * 1000L, REBALANCE, 0, 0);
                    }
                }
                default -> throw new IllegalStateException("unknown event " + type);
            }
        } catch (RuntimeException ex) {
            throw new IllegalStateException(policy + ": at " + Instant.ofEpochMilli(now) + ", " + EVENT_NAMES[type] + " ("
                    + (type <= PRESENCE_OFF ? "agent " + agentIds[subject] : type == REBALANCE ? "" : calls.get(subject).id())
                    + "): " + ex, ex);
        }
    }

    private int wrapUpSeconds(String queue) {
        return wrapUps.computeIfAbsent(queue, q -> policies.workbench().dispatchOf(q).wrapUpSeconds());
    }

    // ---------------------------------------------------------------- what the policy decided

    @Override
    public void classified(Scenario.Call call, Classification.Plan plan) {
        if (plans[call.index()] == null) {
            plans[call.index()] = plan;
        }
    }

    @Override
    public void parked(Scenario.Call call, String status) {
        int i = call.index();
        if (state[i] == State.WAITING) {
            changeWaiting(clock.millis(), -1);
            inSystem--;
        }
        state[i] = State.PARKED;
        parkedAs[i] = status;
    }

    @Override
    public void offered(Scenario.Call call, String agentId) {
        int i = call.index();
        state[i] = State.OFFERED;
        agentOf[i] = agentIndex.get(agentId);
        if (reachedAt[i] < 0) {
            reachedAt[i] = clock.millis();
        }
        int stamp = ++epoch[i];
        // The agent's answer, drawn per call and attempt so every policy meets the same agents' moods.
        SplittableRandom r = ScenarioLoader.callRandom(scenario.seed() ^ 0x5eed_0ffe_1234L, i * 64L + attempts[i]++);
        double u = r.nextDouble();
        Scenario.AgentBehaviour b = scenario.behaviour();
        long at = clock.millis() + b.acceptMillis();
        if (u < b.rejectShare()) {
            schedule(at, REJECT, i, stamp);
        } else if (u >= b.rejectShare() + b.ignoreShare()) {
            schedule(at, ACCEPT, i, stamp);
        } // else it rings until the policy's offer timeout
    }

    @Override
    public void answered(Scenario.Call call, String agentId) {
        int i = call.index();
        long now = clock.millis();
        if (state[i] == State.WAITING || state[i] == State.OFFERED) {
            changeWaiting(now, -1);
        }
        int a = agentIndex.get(agentId);
        state[i] = State.SERVING;
        agentOf[i] = a;
        if (answeredAt[i] < 0) {
            answeredAt[i] = now;
        }
        if (reachedAt[i] < 0) {
            reachedAt[i] = now;
        }
        account(a, now);
        active[a]++;
        answeredBy[a]++;
        if (call.customerId() != null) {
            lastAgentOfCustomer.put(call.customerId(), a);
        }
        int stamp = ++epoch[i];
        schedule(now + call.serviceMillis(), SERVICE_END, i, stamp);
        Classification.Plan plan = plans[i];
        if (plan != null && router.needsFirstReply(plan.queue())) {
            schedule(now + scenario.behaviour().firstReplyMillis(), FIRST_REPLY, i, stamp);
        }
    }

    @Override
    public void returned(Scenario.Call call, String agentId, String why) {
        int i = call.index();
        long now = clock.millis();
        returns[i]++;
        returnsByReason.merge(why, 1L, Long::sum);
        if (state[i] == State.SERVING) {
            int a = agentIndex.get(agentId);
            account(a, now);
            active[a]--;
            changeWaiting(now, +1);
        }
        state[i] = State.WAITING;
        epoch[i]++;
    }

    // ---------------------------------------------------------------- accounting

    /** Adds the agent's online and busy time since its last change (within the measured window). */
    private void account(int a, long now) {
        long from = Math.max(lastChange[a], measureFrom);
        long to = Math.min(now, scenario.end());
        if (online[a] && to > from) {
            onlineMillis[a] += to - from;
            if (active[a] > 0) {
                busyMillis[a] += to - from;
            } else if (wrapUntil[a] > from) {
                busyMillis[a] += Math.min(to, wrapUntil[a]) - from;
            }
        }
        lastChange[a] = now;
    }

    private void changeWaiting(long now, int delta) {
        integrateWaiting(now);
        waitingNow += delta;
    }

    private void integrateWaiting(long now) {
        long from = Math.max(waitingSince, scenario.start());
        long to = Math.min(now, scenario.end());
        while (from < to) {
            int bucket = (int) ((from - scenario.start()) / bucketMillis);
            long bucketEnd = Math.min(to, scenario.start() + (bucket + 1) * bucketMillis);
            waitingArea[bucket] += (double) waitingNow * (bucketEnd - from);
            from = bucketEnd;
        }
        waitingSince = Math.max(waitingSince, now);
    }

    // ---------------------------------------------------------------- read by PolicyResult

    Scenario scenario() {
        return scenario;
    }

    String policy() {
        return policy;
    }

    Router router() {
        return router;
    }

    long measureFrom() {
        return measureFrom;
    }

    State state(int call) {
        return state[call];
    }

    long answeredAt(int call) {
        return answeredAt[call];
    }

    /** When the call first rang at an agent or was given to one; -1: never. */
    long reachedAt(int call) {
        return reachedAt[call];
    }

    int agentOf(int call) {
        return agentOf[call];
    }

    int lastAgentAtArrival(int call) {
        return lastAgentAtArrival[call];
    }

    Classification.Plan plan(int call) {
        return plans[call];
    }

    String parkedAs(int call) {
        return parkedAs[call];
    }

    int returns(int call) {
        return returns[call];
    }

    Map<String, Long> returnsByReason() {
        return returnsByReason;
    }

    long onlineMillis(int agent) {
        return onlineMillis[agent];
    }

    long busyMillis(int agent) {
        return busyMillis[agent];
    }

    int answeredBy(int agent) {
        return answeredBy[agent];
    }

    double[] waitingArea() {
        return waitingArea;
    }

    long bucketMillis() {
        return bucketMillis;
    }

    long eventsHandled() {
        return eventsHandled;
    }
}
