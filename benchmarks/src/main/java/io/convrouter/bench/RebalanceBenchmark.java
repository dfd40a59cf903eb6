package io.convrouter.bench;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;

import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.core.api.solver.SolutionManager;
import org.optaplanner.core.api.solver.SolverFactory;
import org.optaplanner.core.config.solver.SolverConfig;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.Presence;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.dispatch.DispatchSettings;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.events.RoutingEvents;
import io.convrouter.rebalance.PlanAgent;
import io.convrouter.rebalance.PlanConversation;
import io.convrouter.rebalance.RebalanceConstraints;
import io.convrouter.rebalance.RebalanceLease;
import io.convrouter.rebalance.RebalancePlan;
import io.convrouter.rebalance.RebalanceService;
import io.convrouter.rebalance.Rebalancer;
import io.convrouter.store.Durability;
// The routing core's own in-memory stores (these single-type imports shadow this package's stores of the same name).
import io.convrouter.store.memory.MemoryAgentStore;
import io.convrouter.store.memory.MemoryConversationStore;
import io.convrouter.workbench.QueueDispatch;

/**
 * The rebalancer against the real-time dispatcher alone, on one seeded peak backlog: 2,000 waiting
 * conversations (skills with minimum levels, zh or en, web or email, some VIPs at priority 90 on
 * the VIP team, complaints for the senior team, waited 0-15 minutes) and 500 agents (three skills
 * each, a fifth of them experts at level 4-5, capacity per channel and in weighted units).
 *
 * <ul>
 *   <li><b>Dispatcher alone</b>: the real {@link Dispatcher} over the in-memory stores of
 *       {@code io.convrouter.store.memory} (the same conditional claims as MongoDB's); every agent is
 *       offline while the backlog builds, then the agents come online one by one in a seeded order,
 *       and the dispatcher gives each, in queue order (priority with aging of 1 point a minute, then
 *       age), every waiting conversation it can serve until it is full. Queues offer (agents accept
 *       later), so the offers stay movable.</li>
 *   <li><b>Rebalancer alone</b> (cold): {@link Rebalancer} on the same backlog with nobody placed.</li>
 *   <li><b>Dispatcher, then rebalancer</b> (as the server runs it): {@link RebalanceService#run()}
 *       over the dispatcher's result, warm-started from its offers, the plan applied in two phases
 *       through {@link Dispatcher#replan} (moved offers taken back, then the places claimed); the
 *       figures are read back from the stores.</li>
 * </ul>
 *
 * Each at time limits of 0.5 s (the server's default), 2 s and 10 s, with 50 unimproved steps, as in
 * workbench-config/rebalance.yaml. Run from the project root:
 * {@code java -cp benchmarks/target/benchmarks.jar io.convrouter.bench.RebalanceBenchmark [conversations] [agents] [seed]}
 */
public final class RebalanceBenchmark {

    private static final Instant NOW = Instant.parse("2026-03-02T10:00:00Z");
    private static final List<String> SKILLS = List.of("refund", "shipping", "billing", "payment", "installation",
            "complaint", "sales");
    private static final Map<String, String> QUEUE_OF = Map.of("refund", "after-sales", "shipping", "logistics",
            "billing", "billing", "payment", "payments", "installation", "technical", "complaint", "complaints",
            "sales", "sales");
    private static final int UNIMPROVED_STEPS = 50;
    /** As the default queue settings (workbench-config/queues.yaml). */
    private static final double AGING_PER_MINUTE = 1.0;
    private static final List<Duration> LIMITS = List.of(Duration.ofMillis(500), Duration.ofSeconds(2),
            Duration.ofSeconds(10));

    record AgentSpec(String id, Map<String, Integer> skills, Set<String> languages, Set<String> teams,
                     Map<String, Integer> capacity, int maxUnits) {}

    record ConversationSpec(String id, String channel, String intent, Map<String, Integer> skills, String language,
                            String team, int priority, long waitedSeconds) {
        String queue() {
            return QUEUE_OF.get(intent);
        }

        int units() {
            return unitsOf(channel);
        }
    }

    record Backlog(List<AgentSpec> agents, List<ConversationSpec> conversations) {}

    /** What one way of placing the backlog achieved. */
    record Figures(String how, String limit, long millis, String solverScore, HardMediumSoftLongScore placementScore,
                   int placed, int hardPlaced, int hard, int vipWaiting, int vips, double skillMatchRate,
                   double meanSurplus, long weightedWaitMinutes, double loadStdDev, int violations, String note) {}

    public static void main(String[] args) {
        int conversations = args.length > 0 ? Integer.parseInt(args[0]) : 2000;
        int agents = args.length > 1 ? Integer.parseInt(args[1]) : 500;
        long seed = args.length > 2 ? Long.parseLong(args[2]) : 20261125L;
        Backlog backlog = generate(seed, conversations, agents);
        System.out.printf(Locale.ROOT, "Backlog: %d waiting conversations, %d agents, seed %d; %d cores, Java %s%n",
                conversations, agents, seed, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));
        describe(backlog);

        // Warm up the JIT on a small backlog of the same shape, so that the first measured solve is not cold.
        Backlog small = generate(seed + 1, 300, 75);
        new Rebalancer(Duration.ofSeconds(2), UNIMPROVED_STEPS).solve(coldPlan(small));
        warmRun(small, Duration.ofSeconds(2));

        List<Figures> rows = new ArrayList<>();
        long start = System.nanoTime();
        DispatcherRun alone = dispatch(backlog);
        rows.add(figures("dispatcher alone", "-", (System.nanoTime() - start) / 1_000_000, null, backlog,
                alone.placements(), null));
        for (Duration limit : LIMITS) {
            System.out.println("  cold solve, limit " + seconds(limit) + "...");
            Rebalancer.Result r = new Rebalancer(limit, UNIMPROVED_STEPS).solve(coldPlan(backlog));
            Map<String, String> placements = new HashMap<>();
            r.best().getConversations().forEach(c -> placements.put(c.getId(), c.getAgent() == null ? null : c.getAgent().id()));
            rows.add(figures("rebalancer alone (cold)", seconds(limit), r.millis(), String.valueOf(r.score()), backlog,
                    placements, r.score().hardScore() == 0 ? null : "infeasible: not applied"));
        }
        for (Duration limit : LIMITS) {
            System.out.println("  dispatcher, then rebalancer, limit " + seconds(limit) + "...");
            WarmRun w = warmRun(backlog, limit);
            RebalanceService.Report report = w.report();
            rows.add(figures("dispatcher, then rebalancer (applied)", seconds(limit), report.solveMillis(), report.score(),
                    backlog, w.placements(), report.plannedMoves() + " planned moves; " + report.moves()
                            + " changes made (" + w.applyMillis() + " ms to apply, decisions not stored); " + report.note()));
        }
        print(rows);
    }

    // ------------------------------------------------------------------ the backlog

    static Backlog generate(long seed, int nConversations, int nAgents) {
        Random random = new Random(seed);
        List<AgentSpec> agents = new ArrayList<>();
        for (int i = 0; i < nAgents; i++) {
            boolean expert = random.nextInt(5) == 0;
            List<String> pool = new ArrayList<>(SKILLS);
            Collections.shuffle(pool, random);
            Map<String, Integer> skills = new LinkedHashMap<>();
            for (String s : pool.subList(0, 3)) {
                skills.put(s, expert ? 4 + random.nextInt(2) : pick(random, new int[] {1, 2, 3}, new int[] {20, 40, 40}));
            }
            Set<String> languages = new LinkedHashSet<>(List.of("zh"));
            if (random.nextInt(10) < 3) {
                languages.add("en");
            }
            Set<String> teams = new LinkedHashSet<>();
            if (random.nextInt(100) < 15) {
                teams.add("vip-desk");
            }
            if (random.nextInt(100) < 15) {
                teams.add("senior");
            }
            Map<String, Integer> capacity = new LinkedHashMap<>();
            capacity.put("web", 2 + random.nextInt(2));
            if (random.nextInt(10) >= 4) {
                capacity.put("email", 2 + random.nextInt(3));
            }
            agents.add(new AgentSpec(String.format("agent-%03d", i), skills, languages, teams, capacity, 3000));
        }
        List<ConversationSpec> conversations = new ArrayList<>();
        for (int i = 0; i < nConversations; i++) {
            String intent = SKILLS.get(pick(random, new int[] {0, 1, 2, 3, 4, 5, 6}, new int[] {25, 25, 10, 10, 10, 10, 10}));
            Map<String, Integer> skills = new LinkedHashMap<>();
            skills.put(intent, pick(random, new int[] {1, 2, 3, 4, 5}, new int[] {20, 30, 25, 15, 10}));
            if (random.nextInt(10) == 0) {
                String other = SKILLS.get(random.nextInt(SKILLS.size()));
                skills.putIfAbsent(other, 1 + random.nextInt(3));
            }
            String language = random.nextInt(10) < 8 ? "zh" : "en";
            String team = null;
            int priority = 20 + random.nextInt(41);
            if (random.nextInt(100) < 8) { // VIP
                priority = 90;
                team = random.nextBoolean() ? "vip-desk" : null;
            } else if (intent.equals("complaint")) {
                priority = Math.max(priority, 70);
                team = random.nextBoolean() ? "senior" : null;
            }
            String channel = random.nextInt(4) == 0 ? "email" : "web";
            conversations.add(new ConversationSpec(String.format("c-%04d", i), channel, intent, skills, language, team,
                    priority, random.nextInt(901)));
        }
        return new Backlog(agents, conversations);
    }

    private static int pick(Random random, int[] values, int[] weights) {
        int total = 0;
        for (int w : weights) {
            total += w;
        }
        int r = random.nextInt(total);
        for (int i = 0; i < values.length; i++) {
            r -= weights[i];
            if (r < 0) {
                return values[i];
            }
        }
        return values[values.length - 1];
    }

    static int unitsOf(String channel) {
        return "email".equals(channel) ? 500 : 1000;
    }

    private static void describe(Backlog b) {
        long hard = b.conversations().stream().filter(RebalanceBenchmark::isHard).count();
        long vips = b.conversations().stream().filter(c -> c.priority() >= 90).count();
        long experts = b.agents().stream().filter(a -> a.skills().values().stream().allMatch(l -> l >= 4)).count();
        int web = b.agents().stream().mapToInt(a -> a.capacity().getOrDefault("web", 0)).sum();
        int email = b.agents().stream().mapToInt(a -> a.capacity().getOrDefault("email", 0)).sum();
        long webConversations = b.conversations().stream().filter(c -> c.channel().equals("web")).count();
        System.out.printf(Locale.ROOT, "  %d need a level 4 or 5, %d VIPs; %d expert agents; places: web %d for %d, email %d"
                + " for %d, and at most 3 chat units per agent%n", hard, vips, experts, web, webConversations, email,
                b.conversations().size() - webConversations);
    }

    private static boolean isHard(ConversationSpec c) {
        return c.skills().values().stream().anyMatch(l -> l >= 4);
    }

    // ------------------------------------------------------------------ the dispatcher alone

    record DispatcherRun(Dispatcher dispatcher, MemoryAgentStore agents, MemoryConversationStore conversations,
                         Map<String, String> placements) {}

    private static DispatchSettings offering() {
        QueueDispatch d = new QueueDispatch("most-available", Map.of(), false, 3600, 0, 0, 0, AGING_PER_MINUTE, 0, List.of(),
                List.of(), 180, 0, 0, "bot", null, "message");
        return new DispatchSettings() {
            @Override
            public QueueDispatch of(String queue) {
                return d;
            }

            @Override
            public int unitsOf(String channel) {
                return RebalanceBenchmark.unitsOf(channel);
            }
        };
    }

    /** The backlog waits with every agent offline; then the agents come online one by one, each fed in queue order. */
    static DispatcherRun dispatch(Backlog b) {
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        MemoryAgentStore agentStore = new MemoryAgentStore();
        MemoryConversationStore conversationStore = new MemoryConversationStore();
        for (AgentSpec a : b.agents()) {
            agentStore.saveProfile(new AgentProfile(a.id(), a.id(), a.skills(), a.languages(), a.teams(), a.capacity(),
                    Set.of(), a.maxUnits()), NOW);
        }
        for (ConversationSpec c : b.conversations()) {
            Instant queuedAt = NOW.minusSeconds(c.waitedSeconds());
            Classification.Plan plan = new Classification.Plan(c.intent(), c.queue(), c.skills(), c.language(), c.team(),
                    c.priority(), 90, false, null);
            conversationStore.insertIfAbsent(new ConversationRecord(c.id(), c.channel(), "ext-" + c.id(), "", c.language(),
                    new ConversationRecord.CustomerInfo("cust-" + c.id(), c.priority() >= 90 ? "vip" : "regular", false,
                            null, 0, Set.of()),
                    new ConversationRecord.EntryInfo(null, null, null), Map.of(), plan, "bench", ConversationStatus.QUEUED,
                    null, null, queuedAt, null, null, null, null));
        }
        Dispatcher dispatcher = new Dispatcher(agentStore, conversationStore, clock, offering(), new PerformanceStats());
        dispatcher.reload(agentStore.findAll(), conversationStore.findQueued());
        List<String> order = new ArrayList<>(b.agents().stream().map(AgentSpec::id).toList());
        Collections.shuffle(order, new Random(b.agents().size() * 31L + b.conversations().size()));
        for (String id : order) {
            dispatcher.agentChanged(agentStore.setPresence(id, Presence.ONLINE, NOW).orElseThrow());
        }
        return new DispatcherRun(dispatcher, agentStore, conversationStore, placements(conversationStore, agentStore));
    }

    private static Map<String, String> placements(MemoryConversationStore conversations, MemoryAgentStore agents) {
        Map<String, String> p = new HashMap<>();
        conversations.findQueued().forEach(c -> p.put(c.id(), null));
        conversations.findOffered().forEach(c -> p.put(c.id(), c.agentId()));
        conversations.findAssigned().forEach(c -> p.put(c.id(), c.agentId()));
        // Sanity: the stores agree with each other and no agent is over capacity.
        for (Agent a : agents.findAll()) {
            a.capacity().forEach((ch, cap) -> {
                if (a.loadOn(ch) > cap) {
                    throw new IllegalStateException(a.id() + " over capacity on " + ch);
                }
            });
            if (a.unitsUsed() > a.maxUnits()) {
                throw new IllegalStateException(a.id() + " over its units");
            }
        }
        return p;
    }

    // ------------------------------------------------------------------ the rebalancer

    /** The solver's picture of the backlog with nobody placed: every agent available with all its capacity. */
    static RebalancePlan coldPlan(Backlog b) {
        List<PlanAgent> agents = new ArrayList<>();
        for (AgentSpec a : b.agents()) {
            agents.add(planAgent(a));
        }
        List<PlanConversation> conversations = new ArrayList<>();
        for (ConversationSpec c : b.conversations()) {
            conversations.add(planConversation(c));
        }
        return new RebalancePlan(agents, conversations);
    }

    private static PlanAgent planAgent(AgentSpec a) {
        // Performance as the server computes it with no closed conversations yet: 0.7 x 0.5 + 0.3 x 3/5.
        Map<String, Double> performance = new HashMap<>();
        SKILLS.forEach(s -> performance.put(s, 0.53));
        return new PlanAgent(a.id(), true, a.skills(), a.languages(), a.teams(), Set.of(), a.capacity(), a.maxUnits(), 0,
                performance);
    }

    private static PlanConversation planConversation(ConversationSpec c) {
        return new PlanConversation(c.id(), c.channel(), c.units(), c.skills(), c.language(), c.team(), Set.of(c.queue()),
                Set.of(), null, null, c.priority(), c.priority() + AGING_PER_MINUTE * c.waitedSeconds() / 60.0,
                c.waitedSeconds(), c.intent(), null);
    }

    record WarmRun(RebalanceService.Report report, Map<String, String> placements, long applyMillis) {}

    /** The dispatcher's result, then one rebalance as the server runs it; placements read back from the stores. */
    static WarmRun warmRun(Backlog b, Duration limit) {
        DispatcherRun run = dispatch(b);
        Clock clock = Clock.fixed(NOW, ZoneOffset.UTC);
        RebalanceService service = new RebalanceService(run.dispatcher(), new Rebalancer(limit, UNIMPROVED_STEPS),
                new PerformanceStats(), new NoDecisionLog(), RoutingEvents.NONE, RebalanceLease.ALWAYS, Durability.NONE,
                clock, "bench", Duration.ofMinutes(1));
        long start = System.nanoTime();
        RebalanceService.Report report = service.run();
        long runMillis = (System.nanoTime() - start) / 1_000_000;
        // Read back from the stores (and check them: nobody over capacity, nothing held twice).
        Map<String, String> placements = placements(run.conversations(), run.agents());
        return new WarmRun(report, placements, Math.max(0, runMillis - report.solveMillis()));
    }

    /** Decisions are not what this measures. */
    private static final class NoDecisionLog implements DecisionLog {
        @Override
        public void append(DecisionRecord decision) {
        }

        @Override
        public void appendIfAbsent(DecisionRecord decision) {
        }

        @Override
        public List<DecisionRecord> forConversation(String conversationId) {
            return List.of();
        }

        @Override
        public List<DecisionRecord> find(DecisionQuery query) {
            return List.of();
        }

        @Override
        public long count(DecisionQuery query) {
            return 0;
        }
    }

    // ------------------------------------------------------------------ figures

    private static final SolutionManager<RebalancePlan, HardMediumSoftLongScore> SCORER = SolutionManager.create(
            SolverFactory.create(new SolverConfig().withSolutionClass(RebalancePlan.class)
                    .withEntityClasses(PlanConversation.class).withConstraintProviderClass(RebalanceConstraints.class)));

    /**
     * <ul>
     *   <li>placed: conversations with an agent; hard: those needing some skill at level 4 or 5;</li>
     *   <li>skill-match rate: of the placed conversations that need a skill, the share whose agent is
     *       above the minimum level in every skill the conversation needs; mean surplus: levels above
     *       the minimum, summed over the needed skills, averaged over the placed conversations;</li>
     *   <li>priority-weighted wait: over the conversations left waiting, the sum of priority x minutes
     *       waited so far;</li>
     *   <li>load spread: standard deviation of the number of conversations per agent, over all agents;</li>
     *   <li>placement score: the rebalancer's constraints on the placement (no offers counted as
     *       current, so no stability term), the same yardstick for every row;</li>
     *   <li>violations: placements breaking a hard rule (skills, language, team, capacity): must be 0.</li>
     * </ul>
     */
    static Figures figures(String how, String limit, long millis, String solverScore, Backlog b,
                           Map<String, String> placements, String note) {
        Map<String, AgentSpec> agents = new HashMap<>();
        b.agents().forEach(a -> agents.put(a.id(), a));
        int placed = 0;
        int hard = 0;
        int hardPlaced = 0;
        int vips = 0;
        int vipWaiting = 0;
        int withSkills = 0;
        int matched = 0;
        long surplus = 0;
        long weightedWait = 0;
        Map<String, Integer> load = new HashMap<>();
        RebalancePlan plan = coldPlan(b);
        Map<String, PlanAgent> planAgents = new HashMap<>();
        plan.getAgents().forEach(a -> planAgents.put(a.id(), a));
        Map<String, ConversationSpec> specs = new HashMap<>();
        b.conversations().forEach(c -> specs.put(c.id(), c));
        for (PlanConversation pc : plan.getConversations()) {
            String agentId = placements.get(pc.getId());
            pc.setAgent(agentId == null ? null : planAgents.get(agentId));
        }
        for (ConversationSpec c : b.conversations()) {
            String agentId = placements.get(c.id());
            boolean isHard = isHard(c);
            hard += isHard ? 1 : 0;
            vips += c.priority() >= 90 ? 1 : 0;
            if (agentId == null) {
                weightedWait += (long) c.priority() * c.waitedSeconds();
                vipWaiting += c.priority() >= 90 ? 1 : 0;
                continue;
            }
            placed++;
            hardPlaced += isHard ? 1 : 0;
            load.merge(agentId, 1, Integer::sum);
            AgentSpec a = agents.get(agentId);
            if (!c.skills().isEmpty()) {
                withSkills++;
                boolean above = true;
                for (Map.Entry<String, Integer> need : c.skills().entrySet()) {
                    int level = a.skills().getOrDefault(need.getKey(), 0);
                    above &= level > need.getValue();
                    surplus += Math.max(0, level - need.getValue());
                }
                matched += above ? 1 : 0;
            }
        }
        double mean = (double) placed / b.agents().size();
        double variance = 0;
        for (AgentSpec a : b.agents()) {
            double d = load.getOrDefault(a.id(), 0) - mean;
            variance += d * d;
        }
        HardMediumSoftLongScore score = SCORER.update(plan);
        int violations = (int) -score.hardScore();
        return new Figures(how, limit, millis, solverScore, score, placed, hardPlaced, hard, vipWaiting, vips,
                withSkills == 0 ? 0 : (double) matched / withSkills, placed == 0 ? 0 : (double) surplus / placed,
                weightedWait / 60, Math.sqrt(variance / b.agents().size()), violations, note);
    }

    private static String seconds(Duration d) {
        return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : String.format(Locale.ROOT, "%.1f s", d.toMillis() / 1000.0);
    }

    private static void print(List<Figures> rows) {
        System.out.println();
        System.out.println("| run | time limit | solve time | solver's score | placed | level 4-5 placed | VIPs waiting"
                + " | skill-match rate | mean levels above minimum | priority-weighted wait (priority x min) | load spread"
                + " (std dev) | placement score | hard violations |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Figures f : rows) {
            System.out.printf(Locale.ROOT, "| %s | %s | %s | %s | %d | %d of %d | %d of %d | %.1f%% | %.2f | %,d | %.2f | %s | %d |%n",
                    f.how(), f.limit(), f.millis() + " ms", f.solverScore() == null ? "-" : "`" + f.solverScore() + "`",
                    f.placed(), f.hardPlaced(), f.hard(), f.vipWaiting(), f.vips(), 100 * f.skillMatchRate(),
                    f.meanSurplus(), f.weightedWaitMinutes(), f.loadStdDev(), "`" + f.placementScore() + "`",
                    f.violations());
        }
        System.out.println();
        for (Figures f : rows) {
            if (f.note() != null) {
                System.out.println("- " + f.how() + ", " + f.limit() + ": " + f.note());
            }
        }
    }
}
