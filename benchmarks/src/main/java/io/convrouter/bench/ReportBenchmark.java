package io.convrouter.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.Supplier;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.convrouter.audit.Candidate;
import io.convrouter.audit.DecisionInputs;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.Classification;
import io.convrouter.classify.FiredRule;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RuleSource;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.classify.Stage;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;
import io.convrouter.reports.KpiReport;
import io.convrouter.reports.KpiRow;
import io.convrouter.reports.ReportDimension;
import io.convrouter.reports.Reports;
import io.convrouter.reports.RuleReport;
import io.convrouter.store.mongo.EmbeddedMongo;
import io.convrouter.store.mongo.MongoConversationStore;
import io.convrouter.store.mongo.MongoDecisionLog;
import io.convrouter.store.mongo.MongoReportSource;

/**
 * The cost of the managers' reports on a month of data, in the embedded MongoDB the server runs
 * with by default. The month is the "Anonymous Bank" call log (simulator/data, August, ~42,000
 * calls that reached the voice menu) written as the router would have stored it: one conversation
 * per call (its queue and intent from the call type, its agent from the server column, its real
 * wait and service time; hung up in the menu: left the bot; hung up waiting: abandoned) and its
 * decisions (routed with rules of the default policies fired and candidate agents, assigned,
 * relaxed after a minute of waiting, closed or abandoned). Customers are split 50/50 into an A/B
 * experiment; a third of the closed calls carry a satisfaction score (seeded).
 *
 * <p>Then each report is computed {@code repeats} times over the whole month (KPIs by every
 * dimension, or those listed, and rule hits) and over one day; the best and the median time are printed with what was
 * scanned. Before timing, the month's totals are checked against counts taken straight from the
 * log's rows, and the run stops if they differ.
 *
 * <p>Run from the project root: {@code java -cp benchmarks/target/benchmarks.jar
 * io.convrouter.bench.ReportBenchmark [trace.csv.gz] [memory|file] [repeats] [dimensions]}, for
 * example {@code simulator/data/anonymous-bank-1999-08.csv.gz file 3 none,agent}.
 */
public final class ReportBenchmark {
    /** Call type to intent (and queue): the types of the bank's log. */
    static final Map<String, String> INTENT_OF_TYPE = Map.of("PS", "banking", "PE", "banking", "IN", "internet",
            "NE", "stocks", "NW", "prospects", "TT", "callbacks");
    static final Map<String, String> QUEUE_OF_INTENT = Map.of("banking", "retail", "internet", "internet-desk",
            "stocks", "brokerage", "prospects", "sales", "callbacks", "callbacks");
    static final Map<String, String> STRATEGY_OF_QUEUE = Map.of("retail", "best-skill", "internet-desk",
            "most-available", "brokerage", "best-skill", "sales", "round-robin", "callbacks", "longest-idle");
    static final Map<String, Integer> SLA_OF_QUEUE = Map.of("retail", 60, "internet-desk", 120, "brokerage", 60,
            "sales", 30, "callbacks", 300);
    static final Duration RELAX_AFTER = Duration.ofSeconds(60);

    /** One call of the log that reached the voice menu. */
    record Call(long id, String customer, int priority, String type, String line, Instant menuEntry, Instant menuExit,
                boolean joinedQueue, long waitSeconds, boolean served, long serviceSeconds, String server) {}

    private ReportBenchmark() {}

    public static void main(String[] args) throws Exception {
        Path trace = Path.of(args.length > 0 ? args[0] : "simulator/data/anonymous-bank-1999-08.csv.gz");
        String backend = args.length > 1 ? args[1] : "memory";
        int repeats = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        List<ReportDimension> dimensions = args.length > 3 ? Stream.of(args[3].split(","))
                .map(d -> ReportDimension.parse(d).orElseThrow(() -> new IllegalArgumentException(
                        "not a dimension: " + d + "; use " + ReportDimension.wireNames()))).toList()
                : List.of(ReportDimension.values());

        Ruleset ruleset = new RulesetCompiler(Clock.systemUTC()).compile(readRules(Path.of("rules")));
        List<FiredRule> rules = firedRulesOf(ruleset);
        List<Call> calls = read(trace);
        Instant from = calls.stream().map(Call::menuEntry).min(Comparator.naturalOrder()).orElseThrow()
                .atZone(ZoneOffset.UTC).toLocalDate().atStartOfDay(ZoneOffset.UTC).toInstant();
        Instant to = from.atZone(ZoneOffset.UTC).plusMonths(1).toInstant();
        System.out.printf(Locale.ROOT, "trace %s: %,d calls from %s to %s; %d rules in the default policies%n",
                trace, calls.size(), from, to, rules.size());

        Path dataDir = backend.equals("file") ? Files.createTempDirectory("report-bench") : null;
        EmbeddedMongo server = dataDir == null ? EmbeddedMongo.inMemory()
                : EmbeddedMongo.onFile(dataDir, 64, "127.0.0.1", 0);
        try (server; MongoClient client = MongoClients.create(server.connectionString())) {
            MongoDatabase db = client.getDatabase("reports_bench");
            long written = load(db, calls, rules, ruleset.version());
            System.out.printf(Locale.ROOT, "backend %s: %,d conversations and %,d decisions stored%n", backend,
                    calls.size(), written);

            Clock clock = Clock.fixed(to, ZoneOffset.UTC);
            Reports reports = new Reports(new MongoReportSource(db), q -> SLA_OF_QUEUE.getOrDefault(q, 0),
                    v -> ruleset, clock, Duration.ofDays(92), 1000);
            check(reports.kpis(from, to, ReportDimension.NONE).total(), calls);

            System.out.printf(Locale.ROOT, "%-22s %-6s %9s %9s %7s %9s %9s%n", "report", "range", "best ms",
                    "median ms", "groups", "conv.", "decisions");
            for (ReportDimension by : dimensions) {
                time("kpis by " + by.wireName(), "month", repeats, () -> reports.kpis(from, to, by));
            }
            Instant busyDay = from.plus(Duration.ofDays(7));
            time("kpis by queue", "1 day", repeats, () -> reports.kpis(busyDay, busyDay.plus(Duration.ofDays(1)),
                    ReportDimension.QUEUE));
            time("rules", "month", repeats, () -> reports.rules(from, to, null));
            time("rules", "1 day", repeats, () -> reports.rules(busyDay, busyDay.plus(Duration.ofDays(1)), null));
        } finally {
            if (dataDir != null) {
                try (Stream<Path> files = Files.walk(dataDir)) {
                    files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
                }
            }
        }
    }

    private static void time(String name, String range, int repeats, Supplier<Object> report) {
        long[] millis = new long[repeats];
        Object last = null;
        for (int i = 0; i < repeats; i++) {
            long start = System.nanoTime();
            last = report.get();
            millis[i] = (System.nanoTime() - start) / 1_000_000;
        }
        Arrays.sort(millis);
        long groups;
        KpiReport.Scanned scanned;
        if (last instanceof KpiReport k) {
            groups = k.groups().size();
            scanned = k.scanned();
        } else {
            RuleReport r = (RuleReport) last;
            groups = r.rules().size();
            scanned = r.scanned();
        }
        System.out.printf(Locale.ROOT, "%-22s %-6s %9d %9d %7d %,9d %,9d%n", name, range, millis[0],
                millis[repeats / 2], groups, scanned.conversations(), scanned.decisions());
    }

    /** The month's totals from the store against counts taken straight from the log's rows. */
    private static void check(KpiRow total, List<Call> calls) {
        long served = calls.stream().filter(Call::served).count();
        long abandoned = calls.stream().filter(c -> !c.served() && c.joinedQueue()).count();
        double averageWait = calls.stream().filter(Call::served).mapToLong(Call::waitSeconds).average().orElse(0);
        System.out.printf(Locale.ROOT, "month: %,d conversations, %,d answered (average wait %.1f s, p90 %d s, "
                        + "service level %.3f), %,d abandoned in queue, %,d relaxed%n", total.conversations(),
                total.answered(), total.averageWaitSeconds(), total.p90WaitSeconds(), total.serviceLevel(),
                total.abandoned(), total.events().relaxed());
        if (total.conversations() != calls.size() || total.answered() != served || total.abandoned() != abandoned
                || Math.abs(total.averageWaitSeconds() - averageWait) > 0.001) {
            throw new IllegalStateException("the report does not match the log: " + calls.size() + " calls, " + served
                    + " served, " + abandoned + " abandoned, average wait " + averageWait + "; report " + total);
        }
    }

    // ------------------------------------------------------------------ the month in the store

    /** Writes the month through the server's own stores; returns the number of decisions. */
    private static long load(MongoDatabase db, List<Call> calls, List<FiredRule> rules, String version) {
        MongoConversationStore conversations = new MongoConversationStore(db);
        MongoDecisionLog decisions = new MongoDecisionLog(db);
        SplittableRandom random = new SplittableRandom(1999);
        long count = 0;
        long started = System.nanoTime();
        for (int i = 0; i < calls.size(); i++) {
            Call call = calls.get(i);
            ConversationRecord c = conversation(call, version, random);
            conversations.insertIfAbsent(c);
            for (DecisionRecord d : decisions(call, c, rules, random)) {
                decisions.append(d);
                count++;
            }
            if ((i + 1) % 5_000 == 0 || i + 1 == calls.size()) {
                System.out.printf(Locale.ROOT, "  loading: %,d of %,d calls, %,d decisions, %d s%n", i + 1,
                        calls.size(), count, (System.nanoTime() - started) / 1_000_000_000);
            }
        }
        return count;
    }

    static ConversationRecord conversation(Call call, String version, SplittableRandom random) {
        String intent = INTENT_OF_TYPE.getOrDefault(call.type(), "banking");
        String queue = QUEUE_OF_INTENT.get(intent);
        Classification.Plan plan = new Classification.Plan(intent, queue, Map.of(intent, 1),
                call.type().equals("PE") ? "en" : "he", call.priority() == 2 ? "vip" : null, 40 + 20 * call.priority(),
                0, false, null);
        Instant queuedAt = call.menuExit();
        Instant assignedAt = call.served() ? queuedAt.plusSeconds(call.waitSeconds()) : null;
        Instant endedAt = call.served() ? assignedAt.plusSeconds(call.serviceSeconds())
                : queuedAt.plusSeconds(call.waitSeconds());
        Outcome outcome = null;
        Integer satisfaction = null;
        if (call.served()) {
            int roll = random.nextInt(100);
            outcome = intent.equals("prospects") && roll < 15 ? Outcome.CONVERTED : roll < 85 ? Outcome.RESOLVED
                    : Outcome.UNRESOLVED;
            satisfaction = random.nextInt(3) == 0 ? 1 + random.nextInt(5) : null;
        }
        boolean onVariant = Math.floorMod(call.customer().hashCode(), 2) == 0;
        ConversationRecord.Progress progress = new ConversationRecord.Progress(queuedAt, null, null, assignedAt,
                assignedAt, java.util.Set.of(), 0);
        return new ConversationRecord("call-" + call.id(), "phone", "call-" + call.id(), null, plan.language(),
                new ConversationRecord.CustomerInfo(call.customer(), call.priority() == 2 ? "vip" : "regular",
                        !call.customer().equals("0"), null, 0, null),
                new ConversationRecord.EntryInfo(intent.equals("prospects") ? "august-offers" : null, call.line(),
                        "retail-banking"),
                Map.of(), plan, version, call.served() ? ConversationStatus.CLOSED : ConversationStatus.ABANDONED,
                call.served() ? call.server() : null, "d-" + call.id(), call.menuEntry(), assignedAt, endedAt, outcome,
                satisfaction, "bank-ab", onVariant ? "variant" : "control", progress,
                call.joinedQueue() ? STRATEGY_OF_QUEUE.get(queue) : null);
    }

    private static List<DecisionRecord> decisions(Call call, ConversationRecord c, List<FiredRule> rules,
                                                  SplittableRandom random) {
        Map<String, Object> input = DecisionInputs.of(c);
        List<DecisionRecord> out = new ArrayList<>();
        List<FiredRule> fired = new ArrayList<>();
        int n = 2 + random.nextInt(3);
        for (int i = 0; i < n; i++) {
            FiredRule r = rules.get(Math.floorMod(call.type().hashCode() * 31 + i * 7 + random.nextInt(3), rules.size()));
            if (!fired.contains(r)) {
                fired.add(r);
            }
        }
        List<Candidate> candidates = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            candidates.add(new Candidate("agent-" + random.nextInt(32), i < 3, i < 3 ? List.of() : List.of("at capacity"),
                    Map.of("skill", 1 + random.nextInt(5), "load", random.nextDouble()), i < 3 ? i + 1 : null));
        }
        String id = "d-" + call.id();
        out.add(new DecisionRecord(id, DecisionKind.ROUTED, c.createdAt(), c.id(), c.rulesetVersion(), input, fired,
                c.plan(), candidates, null, call.joinedQueue() ? "queued" : "bot", "routed by the default policies", 850));
        if (c.strategy() != null && call.waitSeconds() > RELAX_AFTER.toSeconds()) {
            out.add(new DecisionRecord(id + "-relaxed", DecisionKind.RELAXED, c.progress().queuedAt().plus(RELAX_AFTER),
                    c.id(), c.rulesetVersion(), input, List.of(), c.plan(), List.of(), null, "relaxed",
                    "lowered " + c.plan().intent() + " to level 0 after 60 s", 40));
        }
        if (call.served()) {
            out.add(new DecisionRecord(id + "-assigned", DecisionKind.ASSIGNED, c.assignedAt(), c.id(),
                    c.rulesetVersion(), input, List.of(), c.plan(), candidates, c.agentId(), "assigned",
                    "best " + c.strategy(), 120));
            out.add(new DecisionRecord(id + "-closed", DecisionKind.CLOSED, c.endedAt(), c.id(), c.rulesetVersion(),
                    input, List.of(), c.plan(), List.of(), c.agentId(), c.outcome().wireName(), "closed by the agent", 0));
        } else {
            out.add(new DecisionRecord(id + "-abandoned", DecisionKind.ABANDONED, c.endedAt(), c.id(),
                    c.rulesetVersion(), input, List.of(), c.plan(), List.of(), null, "abandoned", "the caller hung up", 0));
        }
        return out;
    }

    // ------------------------------------------------------------------ inputs

    private static List<PolicyFile> readRules(Path dir) throws IOException {
        List<PolicyFile> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".drl") || name.endsWith(".drl.xlsx") || name.endsWith(".drl.csv")
                        || name.endsWith(".scenarios.csv")) {
                    files.add(new PolicyFile(name, Files.readAllBytes(p)));
                }
            }
        }
        return files;
    }

    /** Every rule of the ruleset as a decision records it when it fires. */
    private static List<FiredRule> firedRulesOf(Ruleset ruleset) {
        List<FiredRule> rules = new ArrayList<>();
        for (Map.Entry<String, RuleSource> e : ruleset.rules().entrySet()) {
            String key = e.getKey();
            int slash = key.indexOf('/');
            Stage stage = ruleset.stageOf(key.substring(0, slash), key.substring(slash + 1));
            RuleSource where = e.getValue();
            rules.add(new FiredRule(key.substring(slash + 1), stage == null ? null : stage.group(), where.file(),
                    where.sheet(), where.row(), where.line()));
        }
        rules.sort(Comparator.comparing(FiredRule::source).thenComparing(FiredRule::name));
        return rules;
    }

    /** The calls of the log that reached the voice menu (PHANTOM rows are not calls). */
    static List<Call> read(Path file) throws IOException {
        List<Call> calls = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                file.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(file))
                        : Files.newInputStream(file), StandardCharsets.UTF_8))) {
            List<String> header = List.of(in.readLine().split(","));
            int line = header.indexOf("vru+line");
                        int customer = header.indexOf("customer_id");
            int priority = header.indexOf("priority");
            int type = header.indexOf("type");
            int date = header.indexOf("date");
            int entry = header.indexOf("vru_entry");
            int exit = header.indexOf("vru_exit");
            int qStart = header.indexOf("q_start");
            int qTime = header.indexOf("q_time");
            int outcome = header.indexOf("outcome");
            int serTime = header.indexOf("ser_time");
            int server = header.indexOf("server");
            if (Stream.of(line, customer, priority, type, date, entry, exit, qStart, qTime, outcome, serTime, server)
                    .anyMatch(i -> i < 0)) {
                throw new IllegalArgumentException(file + " is not the anonymous-bank format: columns " + header);
            }
            long rowNumber = 1;
            for (String row = in.readLine(); row != null; row = in.readLine()) {
                rowNumber++;
                String[] r = row.split(",", -1);
                if (r[outcome].equals("PHANTOM")) {
                    continue;
                }
                LocalDate day = LocalDate.parse(r[date]);
                Instant menuEntry = day.atTime(time(r[entry])).toInstant(ZoneOffset.UTC);
                Instant menuExit = day.atTime(time(r[exit])).toInstant(ZoneOffset.UTC);
                if (menuExit.isBefore(menuEntry)) {
                    menuExit = menuExit.plus(Duration.ofDays(1)); // left the menu after midnight
                }
                boolean served = r[outcome].equals("AGENT");
                // call_id repeats across days: the row number names the call.
                calls.add(new Call(rowNumber, r[customer], Integer.parseInt(r[priority]), r[type], r[line],
                        menuEntry, menuExit, served || !r[qStart].equals("0:00:00"), Long.parseLong(r[qTime]), served,
                        Long.parseLong(r[serTime]), r[server]));
            }
        }
        return calls;
    }

    private static LocalTime time(String hms) {
        String[] p = hms.split(":");
        return LocalTime.of(Integer.parseInt(p[0]), Integer.parseInt(p[1]), Integer.parseInt(p[2]));
    }
}
