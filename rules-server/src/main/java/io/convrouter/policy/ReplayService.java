package io.convrouter.policy;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicLong;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.Classification;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.FiredRule;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.Ruleset;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.errors.NotFoundException;
import io.convrouter.ids.Ids;

/**
 * Re-classifies the recorded inputs of past routing decisions with a candidate version and
 * compares. Runs as a background job whose progress can be polled.
 */
public final class ReplayService {
    public static final int MAX_EXAMPLES = 20;

    private final PolicyService policies;
    private final DecisionLog decisions;
    private final Classifier classifier;
    private final RoutingInput.Defaults defaults;
    private final ExecutorService executor;
    private final Clock clock;
    /** Finished jobs kept for polling; older ones are dropped. */
    static final int JOBS_KEPT = 50;

    private final Map<String, Job> jobs = new ConcurrentHashMap<>();

    public ReplayService(PolicyService policies, DecisionLog decisions, Classifier classifier,
                         RoutingInput.Defaults defaults, ExecutorService executor, Clock clock) {
        this.policies = policies;
        this.decisions = decisions;
        this.classifier = classifier;
        this.defaults = defaults;
        this.executor = executor;
        this.clock = clock;
    }

    /** A replay in progress or done. {@code total} is the number of decisions in the time range. */
    public static final class Job {
        private final String id;
        private final String version;
        private final Instant from;
        private final Instant to;
        private final Instant startedAt;
        private final AtomicLong processed = new AtomicLong();
        private volatile long total;
        private volatile String status = "running";
        private volatile String error;
        private volatile ReplayReport report;
        private volatile Instant finishedAt;

        Job(String id, String version, Instant from, Instant to, Instant startedAt) {
            this.id = id;
            this.version = version;
            this.from = from;
            this.to = to;
            this.startedAt = startedAt;
        }

        public String getId() { return id; }
        public String getVersion() { return version; }
        public Instant getFrom() { return from; }
        public Instant getTo() { return to; }
        public String getStatus() { return status; }
        public long getProcessed() { return processed.get(); }
        public long getTotal() { return total; }
        public double getProgress() { return total == 0 ? (status.equals("done") ? 1.0 : 0.0) : Math.min(1.0, (double) processed.get() / total); }
        public Instant getStartedAt() { return startedAt; }
        public Instant getFinishedAt() { return finishedAt; }
        public String getError() { return error; }
        public ReplayReport getReport() { return report; }
    }

    public Job start(String version, Instant from, Instant to) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw InvalidInputException.of("from", "must be before 'to'");
        }
        policies.get(version);
        Ruleset ruleset = policies.compiledVersion(version);
        // A fixed end, so that traffic arriving during the replay does not move the window.
        Instant end = to != null ? to : clock.instant();
        Job job = new Job(Ids.newId(), version, from, end, clock.instant());
        forgetOldJobs();
        jobs.put(job.id, job);
        executor.submit(() -> {
            try {
                job.report = replay(ruleset, from, end, job);
                job.status = "done";
            } catch (RuntimeException e) {
                job.error = e.getMessage();
                job.status = "failed";
            } finally {
                job.finishedAt = clock.instant();
            }
        });
        return job;
    }

    private void forgetOldJobs() {
        if (jobs.size() < JOBS_KEPT) {
            return;
        }
        jobs.values().stream().filter(j -> j.finishedAt != null)
                .sorted(java.util.Comparator.comparing(j -> j.finishedAt))
                .limit(jobs.size() - JOBS_KEPT + 1L)
                .map(j -> j.id).toList().forEach(jobs::remove);
    }

    public Job job(String id) {
        Job job = jobs.get(id);
        if (job == null) {
            throw new NotFoundException("replay job", id);
        }
        return job;
    }

    public Collection<Job> jobs() {
        return jobs.values();
    }

    /** Runs a replay in the calling thread. */
    public ReplayReport replay(Ruleset candidate, Instant from, Instant to, Job progress) {
        long started = System.nanoTime();
        DecisionQuery all = new DecisionQuery(from, to, null, null, null, null, 0, 1);
        if (progress != null) {
            progress.total = decisions.count(all);
        }
        Map<String, Long> changedBy = new LinkedHashMap<>();
        for (String k : List.of("queue", "priority", "skills", "botFirst", "intent")) changedBy.put(k, 0L);
        Map<String, long[]> byRule = new TreeMap<>();
        Map<String, Set<String>> editedRules = new java.util.HashMap<>();
        List<ReplayReport.Example> examples = new ArrayList<>();
        long[] counts = new long[2]; // replayed, changed
        decisions.forEach(all, d -> {
            if (progress != null) progress.processed.incrementAndGet();
            if (d.kind() != DecisionKind.ROUTED || d.plan() == null) {
                return;
            }
            RoutingInput input = inputOf(d);
            Classification after = input.classify(classifier, candidate, defaults);
            counts[0]++;
            Classification.Plan before = d.plan();
            Classification.Plan now = after.plan();
            List<String> differences = new ArrayList<>();
            if (!eq(before.queue(), now.queue())) differences.add("queue");
            if (before.priority() != now.priority()) differences.add("priority");
            if (!before.requiredSkills().equals(now.requiredSkills())) differences.add("skills");
            if (before.botFirst() != now.botFirst()) differences.add("botFirst");
            if (!eq(before.intent(), now.intent())) differences.add("intent");
            if (differences.isEmpty()) {
                return;
            }
            counts[1]++;
            differences.forEach(k -> changedBy.merge(k, 1L, Long::sum));
            List<String> rulesBefore = d.rulesFired().stream().map(FiredRule::name).toList();
            List<String> rulesAfter = after.rulesFired().stream().map(FiredRule::name).toList();
            Set<String> nowFires = new LinkedHashSet<>(rulesAfter);
            nowFires.removeAll(rulesBefore);
            Set<String> gone = new LinkedHashSet<>(rulesBefore);
            gone.removeAll(rulesAfter);
            nowFires.forEach(r -> byRule.computeIfAbsent(r, k -> new long[3])[0]++);
            gone.forEach(r -> byRule.computeIfAbsent(r, k -> new long[3])[1]++);
            Set<String> edited = editedRules.computeIfAbsent(String.valueOf(d.rulesetVersion()), v -> editedRules(v, candidate));
            for (String r : rulesAfter) {
                if (edited.contains(r) && rulesBefore.contains(r)) {
                    byRule.computeIfAbsent(r, k -> new long[3])[2]++;
                }
            }
            if (examples.size() < MAX_EXAMPLES) {
                examples.add(new ReplayReport.Example(d.conversationId(), d.id(), text(d), summary(before),
                        summary(now), rulesBefore, rulesAfter));
            }
        });
        long replayed = counts[0];
        long changed = counts[1];
        List<ReplayReport.RuleEffect> effects = byRule.entrySet().stream()
                .map(e -> new ReplayReport.RuleEffect(e.getKey(), e.getValue()[0], e.getValue()[1], e.getValue()[2]))
                .sorted((x, y) -> Long.compare(y.nowFires() + y.noLongerFires() + y.editedAndFired(),
                        x.nowFires() + x.noLongerFires() + x.editedAndFired()))
                .toList();
        double seconds = (System.nanoTime() - started) / 1e9;
        return new ReplayReport(candidate.version(), from, to, replayed, changed, changedBy, effects, examples,
                seconds > 0 ? Math.round(replayed / seconds) : replayed);
    }

    /** Names of rules whose text differs between the version that decided and the candidate. */
    private Set<String> editedRules(String baseVersion, Ruleset candidate) {
        try {
            RulesetDiff diff = RulesetDiff.between(policies.compiledVersion(baseVersion), candidate);
            Set<String> names = new java.util.HashSet<>();
            diff.changed().forEach(c -> names.add(c.rule()));
            return names;
        } catch (RuntimeException e) {
            return Set.of(); // the deciding version is not stored (e.g. recorded elsewhere): nothing to compare
        }
    }

    private static boolean eq(Object a, Object b) {
        return a == null ? b == null : a.equals(b);
    }

    private static Map<String, Object> summary(Classification.Plan p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("intent", p.intent());
        m.put("queue", p.queue());
        m.put("priority", p.priority());
        m.put("skills", p.requiredSkills());
        m.put("botFirst", p.botFirst());
        return m;
    }

    @SuppressWarnings("unchecked")
    private static String text(DecisionRecord d) {
        Object conv = d.input().get("conversation");
        return conv instanceof Map<?, ?> m ? (String) ((Map<String, Object>) m).get("text") : null;
    }

    /** Rebuilds the facts a routing decision saw from its recorded input. */
    @SuppressWarnings("unchecked")
    static RoutingInput inputOf(DecisionRecord d) {
        Map<String, Object> conv = (Map<String, Object>) d.input().getOrDefault("conversation", Map.of());
        Map<String, Object> cust = (Map<String, Object>) d.input().getOrDefault("customer", Map.of());
        Map<String, Object> entry = (Map<String, Object>) d.input().getOrDefault("entry", Map.of());
        Map<String, String> fields = new LinkedHashMap<>();
        Object f = conv.get("fields");
        if (f instanceof Map<?, ?> fm) {
            fm.forEach((k, v) -> fields.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        }
        Set<String> tags = new LinkedHashSet<>();
        if (cust.get("tags") instanceof Collection<?> c) {
            c.forEach(t -> tags.add(String.valueOf(t)));
        }
        Object orders = cust.get("orderCount");
        return new RoutingInput(d.conversationId(), (String) conv.get("channel"), (String) conv.get("text"),
                (String) conv.get("language"), (String) cust.get("id"), (String) cust.get("tier"),
                Boolean.TRUE.equals(cust.get("returning")), (String) cust.get("lastAgentId"),
                orders instanceof Number n ? n.intValue() : 0, tags, (String) entry.get("campaign"),
                (String) entry.get("landingPage"), (String) entry.get("businessLine"), fields);
    }
}
