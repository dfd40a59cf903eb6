package io.convrouter.bench;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;
import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.dispatch.Assignment;
import io.convrouter.dispatch.DispatchResult;
import io.convrouter.dispatch.DispatchSettings;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.store.memory.MemoryAgentStore;
import io.convrouter.store.memory.MemoryConversationStore;
import io.convrouter.workbench.Workbench;
import io.convrouter.workbench.WorkbenchLoader;

/**
 * Time per dispatch decision in the routing core ({@link Dispatcher}, plain Java, in-memory stores so
 * no database round trip is counted), in a backlog: every agent is full and {@code waiting}
 * conversations wait.
 *
 * <ul>
 *   <li>{@code submit}: a new conversation arrives. The dispatcher looks for the best eligible agent
 *   among all of them, finds none (all full), explains the decision (every agent with its reasons,
 *   the closest 50 kept) and queues it in order.</li>
 *   <li>{@code agentFreesAPlace}: an agent closes a conversation ({@code agentChanged} with one place
 *   free). The dispatcher finds the first waiting conversation in queue order the agent can serve,
 *   claims the agent's capacity and the conversation in the stores, and explains the choice; or
 *   finds that nothing waiting fits the agent.</li>
 * </ul>
 *
 * <p>The population is seeded and realistic for a Chinese e-commerce desk: queues, strategies,
 * relaxation ladders, offers and channel weights from {@code workbench-config/}; nine queue profiles
 * with their skills and priorities; chat and email; 15% English; 10% returning customers with a
 * preferred agent; agents with three of seven skills at levels 2-5, some in teams or limited to two
 * queues; waiting conversations spread over the last hour. The state is restored after every
 * invocation, outside the measured time, so each one sees the same backlog size.
 *
 * <p>Run from the project root: {@code java -jar benchmarks/target/benchmarks.jar Dispatch
 * -p agents=100,1000,2000 -p waiting=500,5000,20000}.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DispatchBenchmark {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    /** A queue as the rules plan it: required skills, priority, team, and how often conversations go there. */
    record QueueProfile(String queue, Map<String, Integer> skills, int priority, int sla, String team, int weight) {}

    static final List<QueueProfile> QUEUES = List.of(
            new QueueProfile("after-sales", Map.of("refund", 3), 50, 90, null, 20),
            new QueueProfile("logistics", Map.of("shipping", 2), 40, 120, null, 20),
            new QueueProfile("general", Map.of(), 20, 120, null, 15),
            new QueueProfile("sales", Map.of("sales", 2), 50, 30, null, 10),
            new QueueProfile("payments", Map.of("payment", 3), 80, 30, null, 8),
            new QueueProfile("technical", Map.of("installation", 3), 40, 180, null, 8),
            new QueueProfile("billing", Map.of("invoice", 2), 20, 300, null, 7),
            new QueueProfile("complaints", Map.of("complaint", 4), 70, 60, "senior", 7),
            new QueueProfile("vip-desk", Map.of("refund", 3), 90, 20, "vip-desk", 5));
    static final List<String> SKILLS = List.of("refund", "shipping", "installation", "complaint", "sales", "payment",
            "invoice");
    static final Map<String, Integer> CAPACITY = Map.of("web", 3, "wechat", 3, "app", 3, "email", 6);
    /** As AgentService sets it when the profile does not: the largest channel at full capacity (3 chats, 6 emails). */
    static final int MAX_UNITS = 3000;

    /**
     * A backlog: every agent full, {@code waiting} conversations in the queues. Each benchmark's state
     * extends it (rather than taking it as a second state), so that the per-invocation fixtures and
     * the measured call certainly work on the same dispatcher and stores.
     */
    @State(Scope.Thread)
    public abstract static class Backlog {
        @Param({"1000"})
        public int agents;
        @Param({"5000"})
        public int waiting;

        Dispatcher dispatcher;
        MemoryAgentStore agentStore;
        MemoryConversationStore conversations;
        Random random;
        List<String> agentIds;
        int totalWeight;
        long seq;

        @Setup(Level.Trial)
        public void buildBacklog() {
            Workbench workbench = new WorkbenchLoader().load(Path.of(System.getProperty("workbench.dir", "workbench-config")));
            agentStore = new MemoryAgentStore();
            conversations = new MemoryConversationStore();
            dispatcher = new Dispatcher(agentStore, conversations, Clock.fixed(NOW, ZoneOffset.UTC),
                    DispatchSettings.from(workbench), new PerformanceStats());
            random = new Random(42);
            totalWeight = QUEUES.stream().mapToInt(QueueProfile::weight).sum();
            agentIds = new ArrayList<>();
            List<Agent> roster = new ArrayList<>();
            for (int i = 0; i < agents; i++) {
                Agent a = fullAgent(String.format("agent-%05d", i));
                agentStore.put(a);
                roster.add(a);
                agentIds.add(a.id());
            }
            List<ConversationRecord> queued = new ArrayList<>();
            for (int i = 0; i < waiting; i++) {
                ConversationRecord c = arrival(NOW.minusSeconds(random.nextInt(3600)));
                conversations.put(c);
                queued.add(c);
            }
            if (!dispatcher.reload(roster, queued).isEmpty() || dispatcher.waitingCount() != waiting) {
                throw new IllegalStateException("the backlog is not a backlog: " + dispatcher.waitingCount() + " waiting");
            }
        }

        private Agent fullAgent(String id) {
            Map<String, Integer> skills = new LinkedHashMap<>();
            skills.put("general", 3);
            List<String> pool = new ArrayList<>(SKILLS);
            for (int k = 0; k < 3; k++) {
                skills.put(pool.remove(random.nextInt(pool.size())), 2 + random.nextInt(4));
            }
            Set<String> languages = random.nextInt(100) < 30 ? Set.of("zh", "en") : Set.of("zh");
            int t = random.nextInt(100);
            Set<String> teams = t < 10 ? Set.of("senior") : t < 15 ? Set.of("vip-desk") : Set.of();
            Set<String> queues = Set.of();
            if (random.nextInt(100) < 15) {
                queues = Set.of(QUEUES.get(random.nextInt(4)).queue(), QUEUES.get(4 + random.nextInt(5)).queue());
            }
            // Full: three web chats, all of its 3,000 units, so no channel has room for anything.
            List<Agent.ActiveConversation> active = new ArrayList<>();
            for (int k = 0; k < 3; k++) {
                active.add(new Agent.ActiveConversation(id + "-busy-" + k, "web", NOW.minusSeconds(random.nextInt(900)), 1000));
            }
            Map<String, Integer> load = Agent.zeroLoad(CAPACITY);
            load.put("web", 3);
            Instant since = NOW.minusSeconds(600 + random.nextInt(7200));
            return new Agent(id, id, skills, languages, teams, CAPACITY, Presence.ONLINE, load, active, since,
                    NOW.minusSeconds(random.nextInt(1800)), 3000, MAX_UNITS, null,
                    NOW.minusSeconds(random.nextInt(600)), 0, queues);
        }

        /** A new conversation, waiting since {@code at}, with a seeded random plan. */
        ConversationRecord arrival(Instant at) {
            return arrival("c-" + (seq++), at);
        }

        /** A new conversation with the given id, waiting since {@code at}, with a seeded random plan. */
        ConversationRecord arrival(String id, Instant at) {
            int pick = random.nextInt(totalWeight);
            QueueProfile q = QUEUES.get(0);
            for (QueueProfile p : QUEUES) {
                if (pick < p.weight()) {
                    q = p;
                    break;
                }
                pick -= p.weight();
            }
            int ch = random.nextInt(100);
            String channel = ch < 55 ? "web" : ch < 75 ? "wechat" : ch < 85 ? "app" : "email";
            String language = random.nextInt(100) < 15 ? "en" : "zh";
            String preferred = random.nextInt(100) < 10 ? agentIds.get(random.nextInt(agentIds.size())) : null;
            Classification.Plan plan = new Classification.Plan(null, q.queue(), q.skills(), language, q.team(),
                    q.priority(), q.sla(), false, preferred);
            return new ConversationRecord(id, channel, "ext-" + id, "...", language,
                    new ConversationRecord.CustomerInfo("cust-" + random.nextInt(1_000_000), "regular", preferred != null,
                            preferred, random.nextInt(20), Set.of()),
                    new ConversationRecord.EntryInfo(null, null, null), Map.of(), plan, "bench", ConversationStatus.QUEUED,
                    null, "d-" + id, at, null, null, null, null);
        }

        /**
         * Puts the backlog back as it was: the agent (if any) full again with placeholder chats, and
         * new arrivals until {@code waiting} conversations wait.
         */
        void restore(String agentId) {
            if (agentId != null) {
                Agent a = agentStore.find(agentId).orElseThrow();
                for (String channel : List.of("web", "email")) {
                    while (agentStore.tryReserve(agentId, channel, channel.equals("web") ? 1000 : 500,
                            agentId + "-filler-" + (seq++), NOW).isPresent()) {
                        a = agentStore.find(agentId).orElseThrow();
                    }
                }
                dispatcher.agentChanged(a);
            }
            for (int guard = 0; dispatcher.waitingCount() < waiting && guard < 1000; guard++) {
                ConversationRecord c = arrival(NOW.minusSeconds(random.nextInt(3600)));
                conversations.put(c);
                DispatchResult r = dispatcher.submit(c);
                if (r.agentId() != null) {
                    restore(r.agentId()); // it went to an agent with room: fill that one too
                }
            }
        }
    }

    /**
     * One new conversation per invocation; withdrawn again afterwards. Every arrival reuses one id,
     * so the store replaces the previous one instead of growing by millions of records.
     */
    @State(Scope.Thread)
    public static class Arrival extends Backlog {
        ConversationRecord next;
        long submitted;

        @Setup(Level.Invocation)
        public void arrive() {
            next = arrival("arriving", NOW);
            conversations.put(next);
        }

        @TearDown(Level.Invocation)
        public void leave() {
            submitted++;
            if (!dispatcher.withdraw(next.id())) {
                throw new IllegalStateException(next.id() + " was not waiting: the backlog has changed");
            }
        }

        @TearDown(Level.Trial)
        public void check() {
            if (dispatcher.waitingCount() != waiting) {
                throw new IllegalStateException(dispatcher.waitingCount() + " waiting after " + submitted
                        + " arrivals, not " + waiting);
            }
        }
    }

    /** One agent per invocation (in turn) with one place just freed; made full again afterwards. */
    @State(Scope.Thread)
    public static class FreedPlace extends Backlog {
        Agent agent;
        int cursor;
        long invocations;
        long assigned;

        @Setup(Level.Invocation)
        public void free() {
            String id = agentIds.get(cursor++ % agentIds.size());
            Agent a = agentStore.find(id).orElseThrow();
            Agent.ActiveConversation done = null;
            for (Agent.ActiveConversation x : a.active()) {
                if (x.channel().equals("web")) {
                    done = x;
                    break;
                }
            }
            agent = agentStore.release(id, (done != null ? done : a.active().get(0)).conversationId(), NOW).orElseThrow();
        }

        @TearDown(Level.Invocation)
        public void refill() {
            restore(agent.id());
            if (dispatcher.waitingCount() != waiting || agentStore.find(agent.id()).orElseThrow().hasUnitsFor(500)) {
                throw new IllegalStateException("the backlog was not restored: " + dispatcher.waitingCount() + " waiting");
            }
        }

        @TearDown(Level.Trial)
        public void report() {
            System.out.printf("%n[agentFreesAPlace] %d agents, %d waiting: %.0f%% of freed places took a waiting conversation%n",
                    agents, waiting, invocations == 0 ? 0.0 : 100.0 * assigned / invocations);
        }
    }

    @Benchmark
    public DispatchResult submit(Arrival a) {
        return a.dispatcher.submit(a.next);
    }

    @Benchmark
    public List<Assignment> agentFreesAPlace(FreedPlace f) {
        List<Assignment> taken = f.dispatcher.agentChanged(f.agent);
        f.invocations++;
        if (!taken.isEmpty()) {
            f.assigned++;
        }
        return taken;
    }
}
