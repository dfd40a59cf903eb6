package io.convrouter.bench;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.Classification;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.ids.Ids;
import io.convrouter.policy.PolicyService;
import io.convrouter.policy.PolicyValidator;
import io.convrouter.policy.ReplayReport;
import io.convrouter.policy.ReplayService;
import io.convrouter.policy.RulesetVersion;
import io.convrouter.store.mongo.EmbeddedMongo;
import io.convrouter.store.mongo.MongoDecisionLog;
import io.convrouter.store.mongo.MongoPolicyStore;
import io.convrouter.workbench.Workbench;
import io.convrouter.workbench.WorkbenchLoader;

/**
 * What ops wait for: validating and activating a ruleset with a 1,000-row decision table, and
 * replaying recorded decisions against a candidate. Uses the real validator, MongoDB store
 * (embedded, in memory) and replay service.
 *
 * <p>Run from the project root: {@code java -cp benchmarks/target/benchmarks.jar
 * io.convrouter.bench.PolicyBenchmark [rows] [recordedDecisions] [rounds]}
 */
public final class PolicyBenchmark {

    public static void main(String[] args) throws Exception {
        int rows = args.length > 0 ? Integer.parseInt(args[0]) : 1000;
        int recorded = args.length > 1 ? Integer.parseInt(args[1]) : 20_000;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 5;
        Workbench workbench = new WorkbenchLoader().load(Path.of("workbench-config"));
        List<PolicyFile> defaults = ClassificationBenchmark.readRules(Path.of("rules"));
        Clock clock = Clock.systemUTC();
        Classifier classifier = new Classifier();
        RulesetCompiler compiler = new RulesetCompiler(clock);
        PolicyValidator validator = new PolicyValidator(compiler, classifier, workbench);

        try (EmbeddedMongo mongo = EmbeddedMongo.inMemory();
             MongoClient client = MongoClients.create(mongo.connectionString())) {
            MongoDatabase db = client.getDatabase("bench");
            PolicyService policies = new PolicyService(new MongoPolicyStore(db), validator, clock);
            policies.start(defaults, false);

            long[] submitMillis = new long[rounds];
            long[] activateMillis = new long[rounds];
            String lastVersion = null;
            for (int round = 0; round < rounds; round++) {
                List<PolicyFile> files = new ArrayList<>(defaults);
                files.add(new PolicyFile("products.drl.xlsx", productTable(rows, round)));
                long t0 = System.nanoTime();
                RulesetVersion v = policies.submit(files, "bench", "round " + round, "upload");
                long t1 = System.nanoTime();
                if (!v.report().valid()) {
                    throw new IllegalStateException("the generated table did not validate: " + v.report().errors());
                }
                policies.activate(v.version(), "bench");
                long t2 = System.nanoTime();
                submitMillis[round] = (t1 - t0) / 1_000_000;
                activateMillis[round] = (t2 - t1) / 1_000_000;
                lastVersion = v.version();
                System.out.printf(Locale.ROOT, "round %d: validate+store %d ms, activate %d ms (%d rules)%n", round,
                        submitMillis[round], activateMillis[round], v.report().ruleCount());
            }
            System.out.printf(Locale.ROOT, "%d-row table: validate+store median %d ms, activate median %d ms%n", rows,
                    median(submitMillis), median(activateMillis));

            // Replay: decisions recorded by the default rules, re-classified by the big candidate.
            MongoDecisionLog log = new MongoDecisionLog(db);
            Ruleset baseline = compiler.compile(defaults);
            RoutingInput.Defaults d = new RoutingInput.Defaults("general", 20, 120, "zh");
            List<RoutingInput> samples = ClassificationBenchmark.sampleInputs();
            long r0 = System.nanoTime();
            for (int i = 0; i < recorded; i++) {
                RoutingInput s = samples.get(i % samples.size());
                RoutingInput in = new RoutingInput("c-" + i, s.channel(), s.text(), s.language(), "cust-" + i, s.tier(),
                        s.returning(), s.lastAgentId(), s.orderCount(), Set.of(), s.campaign(),
                        "/product/" + (i % (rows * 2)) + "/detail", s.businessLine(), s.fields());
                Classification c = in.classify(classifier, baseline, d);
                log.append(new DecisionRecord(Ids.newId(), DecisionKind.ROUTED, clock.instant(), "c-" + i,
                        baseline.version(), inputOf(in), c.rulesFired(), c.plan(), List.of(), null, "queued", "bench", 0));
            }
            System.out.printf(Locale.ROOT, "recorded %d decisions in %d ms%n", recorded, (System.nanoTime() - r0) / 1_000_000);
            ReplayService replays = new ReplayService(policies, log, classifier, d, null, clock);
            Ruleset candidate = policies.compiledVersion(lastVersion);
            for (int round = 0; round < 3; round++) {
                ReplayReport report = replays.replay(candidate, null, Instant.now().plusSeconds(1), null);
                System.out.printf(Locale.ROOT, "replay %d: %d replayed, %d changed, %.0f decisions/s%n", round,
                        report.replayed(), report.changed(), report.decisionsPerSecond());
            }
        }
    }

    /** A 1,000-row table ops might keep: product pages to the team and skills that know them. */
    static byte[] productTable(int rows, int variant) throws Exception {
        try (XSSFWorkbook wb = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = wb.createSheet("Products");
            String[][] head = {
                {"RuleSet", "io.convrouter.rules.products"},
                {"RULEFLOW-GROUP", "adjust"},
                {},
                {"RuleTable Products"},
                {"NAME", "CONDITION", "ACTION", "ACTION", "ACTION"},
                {"", "Entry", "", "", ""},
                {"", "landingPageStartsWith(\"$param\")", "plan.setQueue(\"$param\");", "plan.requireSkills(\"$param\");", "plan.raisePriority($param);"},
                {"Rule", "Landing page starts with", "Queue", "Skills", "Priority at least"}};
            int r = 0;
            for (String[] cells : head) {
                Row row = sheet.createRow(r++);
                for (int c = 0; c < cells.length; c++) {
                    if (!cells[c].isEmpty()) row.createCell(c).setCellValue(cells[c]);
                }
            }
            String[] queues = {"sales", "after-sales", "logistics", "technical"};
            String[] skills = {"sales 2", "refund 2", "shipping 2", "installation 2"};
            for (int i = 0; i < rows; i++) {
                Row row = sheet.createRow(r++);
                row.createCell(0).setCellValue("Product " + i);
                row.createCell(1).setCellValue("/product/" + i + "/");
                row.createCell(2).setCellValue(queues[i % queues.length]);
                row.createCell(3).setCellValue(skills[i % skills.length]);
                row.createCell(4).setCellValue(30 + (i + variant) % 40);
            }
            wb.write(out);
            return out.toByteArray();
        }
    }

    private static Map<String, Object> inputOf(RoutingInput in) {
        Map<String, Object> conversation = new java.util.LinkedHashMap<>();
        conversation.put("channel", in.channel());
        conversation.put("text", in.text());
        conversation.put("language", in.language());
        conversation.put("fields", in.fields());
        Map<String, Object> customer = new java.util.LinkedHashMap<>();
        customer.put("id", in.customerId());
        customer.put("tier", in.tier());
        customer.put("returning", in.returning());
        customer.put("lastAgentId", in.lastAgentId());
        customer.put("orderCount", in.orderCount());
        customer.put("tags", List.of());
        Map<String, Object> entry = new java.util.LinkedHashMap<>();
        entry.put("campaign", in.campaign());
        entry.put("landingPage", in.landingPage());
        entry.put("businessLine", in.businessLine());
        return Map.of("conversation", conversation, "customer", customer, "entry", entry);
    }

    private static long median(long[] values) {
        long[] copy = values.clone();
        Arrays.sort(copy);
        return copy[copy.length / 2];
    }
}
