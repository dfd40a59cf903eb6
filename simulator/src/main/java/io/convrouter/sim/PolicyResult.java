package io.convrouter.sim;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import io.convrouter.classify.Classification;

/**
 * What one policy achieved on the scenario, over the calls that arrived after the warm-up.
 *
 * <p>Definitions: a call <em>seeks an agent</em> unless the policy sent it to the bot, a message or
 * a call back. Of those, each is <em>answered</em> (an agent took it: accepted, or assigned when the
 * queue does not ask), <em>abandoned</em> (the customer hung up first) or <em>unfinished</em> (still
 * waiting when the run stopped). Wait: arrival to first answer. Probability of waiting: share of
 * calls that seek an agent and are not offered or given to an agent the moment they arrive (the
 * seconds an offer rings at the agent's desk count in the wait, not as waiting). Service level at T: answered
 * within T over answered plus abandoned. Abandonment rate: abandoned over answered plus abandoned.
 * Skill match: answered calls whose agent has every skill the rules first asked for, at the level
 * asked. Sticky hit: answered calls of customers whose previous call was answered, taken by that
 * same agent. Utilisation: share of an agent's online time spent with at least one call or in
 * wrap-up.
 */
final class PolicyResult {
    static final long[] HISTOGRAM_EDGES_SECONDS = {0, 10, 20, 30, 60, 120, 180, 300, 600, 1200};

    final String policy;
    final int measured;
    final int seeking;
    final int answered;
    final int abandoned;
    final int unfinished;
    final int waited;
    final double averageWaitSeconds;
    final double probabilityOfWaiting;
    final double serviceLevel;
    final double abandonmentRate;
    final double skillMatchRate;
    final double stickyHitRate;
    final int stickyOpportunities;
    final Map<String, Object> details;

    private PolicyResult(String policy, int measured, int seeking, int answered, int abandoned, int unfinished,
                         int waited, double averageWaitSeconds, double serviceLevel, double skillMatchRate,
                         double stickyHitRate, int stickyOpportunities, Map<String, Object> details) {
        this.policy = policy;
        this.measured = measured;
        this.seeking = seeking;
        this.answered = answered;
        this.abandoned = abandoned;
        this.unfinished = unfinished;
        this.waited = waited;
        this.averageWaitSeconds = averageWaitSeconds;
        this.probabilityOfWaiting = seeking == 0 ? 0 : (double) waited / seeking;
        this.serviceLevel = serviceLevel;
        this.abandonmentRate = answered + abandoned == 0 ? 0 : (double) abandoned / (answered + abandoned);
        this.skillMatchRate = skillMatchRate;
        this.stickyHitRate = stickyHitRate;
        this.stickyOpportunities = stickyOpportunities;
        this.details = details;
    }

    /** One group of calls (a tier, a priority): its own figures. */
    private static final class Group {
        int calls;
        int answered;
        int abandoned;
        int withinTarget;
        double waitSum;

        Map<String, Object> toMap() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("calls", calls);
            m.put("answered", answered);
            m.put("abandoned", abandoned);
            m.put("averageWaitSeconds", round(answered == 0 ? 0 : waitSum / answered));
            m.put("serviceLevel", round(answered + abandoned == 0 ? 0 : (double) withinTarget / (answered + abandoned)));
            m.put("abandonmentRate", round(answered + abandoned == 0 ? 0 : (double) abandoned / (answered + abandoned)));
            return m;
        }
    }

    static PolicyResult of(Simulation sim) {
        Scenario s = sim.scenario();
        long threshold = s.report().serviceLevelSeconds() * 1000L;
        int measured = 0;
        int seeking = 0;
        int answered = 0;
        int abandoned = 0;
        int unfinished = 0;
        int waited = 0;
        int withinTarget = 0;
        int skillAsked = 0;
        int skillMatched = 0;
        int stickyChances = 0;
        int stickyHits = 0;
        long reroutes = 0;
        int callsRerouted = 0;
        double waitSum = 0;
        Map<String, Integer> parked = new TreeMap<>();
        Map<String, Group> byTier = new TreeMap<>();
        Map<Integer, Group> byPriority = new TreeMap<>(Comparator.reverseOrder());
        long[] answeredHistogram = new long[HISTOGRAM_EDGES_SECONDS.length + 1];
        long[] abandonedHistogram = new long[HISTOGRAM_EDGES_SECONDS.length + 1];
        List<Long> waits = new ArrayList<>();
        for (Scenario.Call c : s.calls()) {
            int i = c.index();
            if (c.arrival() < sim.measureFrom() || c.arrival() >= s.end()) {
                continue;
            }
            measured++;
            Simulation.State st = sim.state(i);
            if (st == Simulation.State.PARKED) {
                parked.merge(sim.parkedAs(i), 1, Integer::sum);
                continue;
            }
            seeking++;
            Classification.Plan plan = sim.plan(i);
            Group tier = byTier.computeIfAbsent(c.tier() == null ? "-" : c.tier(), k -> new Group());
            Group priority = byPriority.computeIfAbsent(plan == null ? -1 : plan.priority(), k -> new Group());
            tier.calls++;
            priority.calls++;
            reroutes += sim.returns(i);
            callsRerouted += sim.returns(i) > 0 ? 1 : 0;
            long answeredAt = sim.answeredAt(i);
            if (answeredAt >= 0) {
                long wait = answeredAt - c.arrival();
                answered++;
                waitSum += wait / 1000.0;
                waits.add(wait);
                answeredHistogram[bin(wait)]++;
                if (sim.reachedAt(i) > c.arrival()) {
                    waited++; // queued: no agent was free to ring or take it when it arrived
                }
                boolean inTarget = wait <= threshold;
                if (inTarget) {
                    withinTarget++;
                }
                for (Group g : List.of(tier, priority)) {
                    g.answered++;
                    g.waitSum += wait / 1000.0;
                    g.withinTarget += inTarget ? 1 : 0;
                }
                int agent = sim.agentOf(i);
                if (plan != null) {
                    skillAsked++;
                    if (s.agents().get(agent).hasSkills(plan.requiredSkills())) {
                        skillMatched++;
                    }
                }
                if (sim.lastAgentAtArrival(i) >= 0) {
                    stickyChances++;
                    if (sim.lastAgentAtArrival(i) == agent) {
                        stickyHits++;
                    }
                }
            } else if (st == Simulation.State.ABANDONED) {
                abandoned++;
                waited++;
                tier.abandoned++;
                priority.abandoned++;
                abandonedHistogram[bin(c.patienceMillis())]++;
            } else {
                unfinished++;
                waited++;
            }
        }
        double averageWait = answered == 0 ? 0 : waitSum / answered;
        double serviceLevel = answered + abandoned == 0 ? 0 : (double) withinTarget / (answered + abandoned);
        double skillMatch = skillAsked == 0 ? 0 : (double) skillMatched / skillAsked;
        double sticky = stickyChances == 0 ? 0 : (double) stickyHits / stickyChances;

        Map<String, Object> d = new LinkedHashMap<>();
        d.put("policy", sim.policy());
        d.put("description", Policies.DESCRIPTIONS.get(sim.policy()));
        Map<String, Object> callsMap = new LinkedHashMap<>();
        callsMap.put("measured", measured);
        callsMap.put("parked", parked);
        callsMap.put("seekingAnAgent", seeking);
        callsMap.put("answered", answered);
        callsMap.put("abandoned", abandoned);
        callsMap.put("unfinished", unfinished);
        d.put("calls", callsMap);
        d.put("averageSpeedOfAnswerSeconds", round(averageWait));
        d.put("probabilityOfWaiting", round(seeking == 0 ? 0 : (double) waited / seeking));
        Map<String, Object> sl = new LinkedHashMap<>();
        sl.put("seconds", s.report().serviceLevelSeconds());
        sl.put("share", round(serviceLevel));
        d.put("serviceLevel", sl);
        d.put("abandonmentRate", round(answered + abandoned == 0 ? 0 : (double) abandoned / (answered + abandoned)));
        d.put("waitPercentilesSeconds", percentiles(waits));
        Map<String, Object> tiers = new LinkedHashMap<>();
        byTier.forEach((k, g) -> tiers.put(k, g.toMap()));
        d.put("byTier", tiers);
        Map<String, Object> priorities = new LinkedHashMap<>();
        byPriority.forEach((k, g) -> priorities.put(String.valueOf(k), g.toMap()));
        d.put("byPriority", priorities);
        Map<String, Object> skill = new LinkedHashMap<>();
        skill.put("answered", skillAsked);
        skill.put("withTheSkillsAtTheLevelAsked", skillMatched);
        skill.put("rate", round(skillMatch));
        d.put("skillMatch", skill);
        Map<String, Object> stickyMap = new LinkedHashMap<>();
        stickyMap.put("answeredWithAPreviousAgent", stickyChances);
        stickyMap.put("servedByThatAgent", stickyHits);
        stickyMap.put("hitRate", round(sticky));
        d.put("sticky", stickyMap);
        d.put("utilisation", utilisation(sim));
        Map<String, Object> re = new LinkedHashMap<>();
        re.put("total", reroutes);
        re.put("callsRerouted", callsRerouted);
        re.put("perAnsweredCall", round(answered == 0 ? 0 : (double) reroutes / answered));
        re.put("byReason", new TreeMap<>(sim.returnsByReason()));
        d.put("reroutes", re);
        d.put("counters", new LinkedHashMap<>(sim.router().counters()));
        d.put("averageWaitingByBucket", waitingSeries(sim));
        Map<String, Object> histogram = new LinkedHashMap<>();
        histogram.put("binsSeconds", binLabels());
        histogram.put("answeredAfter", toList(answeredHistogram));
        histogram.put("abandonedAfter", toList(abandonedHistogram));
        d.put("waitHistogram", histogram);
        d.put("events", sim.eventsHandled());
        return new PolicyResult(sim.policy(), measured, seeking, answered, abandoned, unfinished, waited, averageWait,
                serviceLevel, skillMatch, sticky, stickyChances, d);
    }

    private static Map<String, Object> utilisation(Simulation sim) {
        Map<String, Object> perAgent = new LinkedHashMap<>();
        List<Double> values = new ArrayList<>();
        List<Scenario.AgentSpec> agents = sim.scenario().agents();
        for (int a = 0; a < agents.size(); a++) {
            long on = sim.onlineMillis(a);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("onlineHours", round(on / 3_600_000.0));
            m.put("busyHours", round(sim.busyMillis(a) / 3_600_000.0));
            Double u = on == 0 ? null : (double) sim.busyMillis(a) / on;
            m.put("utilisation", u == null ? null : round(u));
            m.put("answered", sim.answeredBy(a));
            perAgent.put(agents.get(a).id(), m);
            if (u != null) {
                values.add(u);
            }
        }
        Map<String, Object> summary = new LinkedHashMap<>();
        double mean = values.stream().mapToDouble(Double::doubleValue).average().orElse(0);
        double var = values.stream().mapToDouble(v -> (v - mean) * (v - mean)).sum() / Math.max(1, values.size() - 1);
        summary.put("agentsOnline", values.size());
        summary.put("mean", round(mean));
        summary.put("standardDeviation", round(Math.sqrt(var)));
        summary.put("min", round(values.stream().mapToDouble(Double::doubleValue).min().orElse(0)));
        summary.put("max", round(values.stream().mapToDouble(Double::doubleValue).max().orElse(0)));
        summary.put("perAgent", perAgent);
        return summary;
    }

    private static Map<String, Object> waitingSeries(Simulation sim) {
        double[] area = sim.waitingArea();
        Scenario s = sim.scenario();
        List<Double> avg = new ArrayList<>(area.length);
        for (int b = 0; b < area.length; b++) {
            long bucketStart = s.start() + b * sim.bucketMillis();
            long length = Math.min(sim.bucketMillis(), s.end() - bucketStart);
            avg.add(round(length <= 0 ? 0 : area[b] / length));
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("bucketMinutes", s.report().bucketMinutes());
        m.put("from", s.startInstant().toString());
        m.put("averageWaiting", avg);
        return m;
    }

    private static Map<String, Object> percentiles(List<Long> waits) {
        long[] sorted = waits.stream().mapToLong(Long::longValue).toArray();
        Arrays.sort(sorted);
        Map<String, Object> m = new LinkedHashMap<>();
        for (int p : new int[] {50, 90, 95, 99}) {
            m.put("p" + p, sorted.length == 0 ? 0 : round(sorted[(int) Math.min(sorted.length - 1,
                    Math.ceil(p / 100.0 * sorted.length) - 1)] / 1000.0));
        }
        m.put("max", sorted.length == 0 ? 0 : round(sorted[sorted.length - 1] / 1000.0));
        return m;
    }

    static int bin(long millis) {
        if (millis <= 0) {
            return 0;
        }
        for (int i = 1; i < HISTOGRAM_EDGES_SECONDS.length; i++) {
            if (millis <= HISTOGRAM_EDGES_SECONDS[i] * 1000) {
                return i;
            }
        }
        return HISTOGRAM_EDGES_SECONDS.length;
    }

    static List<String> binLabels() {
        List<String> labels = new ArrayList<>();
        labels.add("0");
        for (int i = 1; i < HISTOGRAM_EDGES_SECONDS.length; i++) {
            labels.add(HISTOGRAM_EDGES_SECONDS[i - 1] + "-" + HISTOGRAM_EDGES_SECONDS[i]);
        }
        labels.add(">" + HISTOGRAM_EDGES_SECONDS[HISTOGRAM_EDGES_SECONDS.length - 1]);
        return labels;
    }

    private static List<Long> toList(long[] a) {
        List<Long> l = new ArrayList<>(a.length);
        for (long x : a) {
            l.add(x);
        }
        return l;
    }

    static double round(double x) {
        return Math.round(x * 10_000) / 10_000.0;
    }
}
