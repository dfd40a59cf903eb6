package io.convrouter.sim;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.TreeMap;
import java.util.regex.Pattern;

import io.convrouter.workbench.Workbench;
import io.convrouter.workbench.WorkbenchConfigException;
import io.convrouter.workbench.WorkbenchLoader;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a scenario file (YAML, or JSON when it ends in .json), checks every field, and generates
 * its calls from the seed. All problems come back at once, each as "field: what is wrong", in a
 * {@link ScenarioException} naming the file. The format is described in simulator/README.md.
 */
public final class ScenarioLoader {

    public static final List<String> POLICIES = List.of(Policies.DISPATCHER, Policies.DISPATCHER_REBALANCER,
            Policies.RANDOM, Policies.ROUND_ROBIN, Policies.LEAST_BUSY, Policies.POOLED_FIFO);

    private static final Pattern LANGUAGE = Pattern.compile("[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*");
    private static final Pattern TIME_OF_DAY = Pattern.compile("([01]?\\d|2[0-4]):([0-5]\\d)");
    private static final Instant DEFAULT_START = Instant.parse("2024-01-01T00:00:00Z");
    private static final long DAY = 24L * 3600 * 1000;

    /** What the command line may change in a scenario. */
    public record Overrides(Long seed, Integer days, List<String> policies) {
        public static final Overrides NONE = new Overrides(null, null, null);
    }

    public Scenario load(Path file) {
        return load(file, Overrides.NONE);
    }

    public Scenario load(Path file, Overrides overrides) {
        String name = file.toString();
        JsonNode root;
        try {
            ObjectMapper mapper = name.toLowerCase(Locale.ROOT).endsWith(".json") ? JsonMapper.builder().build()
                    : YAMLMapper.builder().build();
            root = mapper.readTree(Files.readAllBytes(file));
        } catch (NoSuchFileException e) {
            throw new ScenarioException(name, List.of("the file does not exist"));
        } catch (IOException | JacksonException e) {
            throw new ScenarioException(name, List.of("cannot be read as YAML or JSON: " + e.getMessage()));
        }
        if (root == null || !root.isObject()) {
            throw new ScenarioException(name, List.of("must be a mapping of fields (name, rules, workbench, arrivals, ...)"));
        }
        return new Reading(file, root, overrides).scenario();
    }

    /** One file being read: the problems found so far and what has been read. */
    static final class Reading {
        private final Path file;
        private final Path dir;
        private final JsonNode root;
        private final Overrides overrides;
        private final List<String> problems = new ArrayList<>();
        private Workbench workbench;

        Reading(Path file, JsonNode root, Overrides overrides) {
            this.file = file;
            this.dir = file.toAbsolutePath().getParent();
            this.root = root;
            this.overrides = overrides;
        }

        Scenario scenario() {
            known(root, "", "name", "seed", "start", "rules", "workbench", "policies", "report", "rebalance",
                    "agentBehaviour", "arrivals", "mix", "customers", "patience", "resolvedShare", "agents");
            String name = text(root, "name", file.getFileName().toString());
            long seed = overrides.seed() != null ? overrides.seed() : integer(root, "seed", 1, Long.MIN_VALUE, Long.MAX_VALUE);
            long start = instant(root, "start", DEFAULT_START).toEpochMilli();
            Path rules = directory(root, "rules");
            Path workbenchDir = directory(root, "workbench");
            if (workbenchDir != null) {
                try {
                    workbench = new WorkbenchLoader().load(workbenchDir);
                } catch (WorkbenchConfigException e) {
                    problems.add("workbench: " + e.getMessage());
                } catch (RuntimeException e) {
                    problems.add("workbench: cannot be read: " + e.getMessage());
                }
            }
            List<String> policies = policies();
            Scenario.ReportSettings report = report();
            Scenario.RebalanceSettings rebalance = rebalance(workbenchDir);
            Scenario.AgentBehaviour behaviour = behaviour();

            JsonNode arrivals = root.get("arrivals");
            Traffic traffic = null;
            if (arrivals == null || !arrivals.isObject()) {
                problems.add("arrivals: is required: {kind: poisson, days, perHour} or {kind: trace, file} or "
                        + "{kind: anonymous-bank, file}");
            } else {
                String kind = text(arrivals, "kind", null);
                if (kind == null) {
                    problems.add("arrivals.kind: is required: poisson, trace or anonymous-bank");
                } else {
                    switch (kind) {
                        case "poisson" -> traffic = poisson(arrivals, seed, start);
                        case "trace" -> traffic = trace(arrivals, seed, start);
                        case "anonymous-bank" -> traffic = bank(arrivals, seed);
                        default -> problems.add("arrivals.kind: '" + kind + "' is not a kind; use poisson, trace or "
                                + "anonymous-bank");
                    }
                }
            }
            List<Scenario.AgentSpec> agents = List.of();
            if (traffic != null && traffic.agents() != null) {
                if (root.has("agents")) {
                    problems.add("agents: an anonymous-bank trace brings its own agents (one per server in the "
                            + "file); remove this section");
                }
                agents = traffic.agents();
            } else if (traffic != null) {
                agents = agents(traffic.start(), traffic.end());
            }
            if (workbench != null && traffic != null) {
                checkAgainstWorkbench(traffic, agents);
            }
            if (!problems.isEmpty()) {
                throw new ScenarioException(file.toString(), problems);
            }
            return new Scenario(file.toString(), name, seed, rules, workbenchDir, traffic.start(), traffic.end(),
                    traffic.calls(), agents, behaviour, report, rebalance, policies, traffic.summary());
        }

        // ------------------------------------------------------------ settings

        private List<String> policies() {
            if (overrides.policies() != null) {
                List<String> wrong = overrides.policies().stream().filter(p -> !POLICIES.contains(p)).toList();
                if (!wrong.isEmpty()) {
                    problems.add("--policies: " + wrong + " are not policies; use " + POLICIES);
                }
                return overrides.policies();
            }
            JsonNode p = root.get("policies");
            if (p == null || p.isNull()) {
                return POLICIES;
            }
            if (!p.isArray() || p.isEmpty()) {
                problems.add("policies: must be a list of at least one of " + POLICIES);
                return POLICIES;
            }
            List<String> result = new ArrayList<>();
            for (int i = 0; i < p.size(); i++) {
                String id = p.get(i).asString("");
                if (!POLICIES.contains(id)) {
                    problems.add("policies[" + i + "]: '" + id + "' is not a policy; use one of " + POLICIES);
                } else if (result.contains(id)) {
                    problems.add("policies[" + i + "]: '" + id + "' is listed twice");
                } else {
                    result.add(id);
                }
            }
            return result;
        }

        private Scenario.ReportSettings report() {
            JsonNode r = object(root, "report");
            known(r, "report.", "serviceLevelSeconds", "bucketMinutes", "warmUpMinutes");
            int sl = (int) integer(r, "serviceLevelSeconds", 20, 0, 86_400, "report.");
            int bucket = (int) integer(r, "bucketMinutes", 15, 1, 1440, "report.");
            double warmUp = number(r, "warmUpMinutes", 0, 0, 1e7, "report.");
            return new Scenario.ReportSettings(sl, bucket, Math.round(warmUp * 60_000));
        }

        private Scenario.RebalanceSettings rebalance(Path workbenchDir) {
            int interval = 10;
            int steps = 50;
            if (workbenchDir != null && Files.exists(workbenchDir.resolve("rebalance.yaml"))) {
                try {
                    JsonNode f = YAMLMapper.builder().build().readTree(Files.readAllBytes(workbenchDir.resolve("rebalance.yaml")));
                    JsonNode rb = f == null ? null : f.get("rebalance");
                    if (rb != null) {
                        interval = rb.path("intervalSeconds").asInt(interval);
                        steps = rb.path("unimprovedSteps").asInt(steps);
                    }
                } catch (IOException | JacksonException e) {
                    problems.add("workbench: rebalance.yaml cannot be read: " + e.getMessage());
                }
            }
            JsonNode r = object(root, "rebalance");
            known(r, "rebalance.", "intervalSeconds", "unimprovedSteps");
            return new Scenario.RebalanceSettings((int) integer(r, "intervalSeconds", interval, 1, 86_400, "rebalance."),
                    (int) integer(r, "unimprovedSteps", steps, 1, 100_000, "rebalance."));
        }

        private Scenario.AgentBehaviour behaviour() {
            JsonNode b = object(root, "agentBehaviour");
            known(b, "agentBehaviour.", "acceptSeconds", "rejectShare", "ignoreShare", "firstReplySeconds");
            Scenario.AgentBehaviour d = Scenario.AgentBehaviour.DEFAULT;
            double accept = number(b, "acceptSeconds", d.acceptMillis() / 1000.0, 0, 3600, "agentBehaviour.");
            double reject = number(b, "rejectShare", d.rejectShare(), 0, 1, "agentBehaviour.");
            double ignore = number(b, "ignoreShare", d.ignoreShare(), 0, 1, "agentBehaviour.");
            double reply = number(b, "firstReplySeconds", d.firstReplyMillis() / 1000.0, 0, 86_400, "agentBehaviour.");
            if (reject + ignore > 1) {
                problems.add("agentBehaviour: rejectShare + ignoreShare is " + (reject + ignore) + "; it must be at most 1");
            }
            return new Scenario.AgentBehaviour(Math.round(accept * 1000), reject, ignore, Math.round(reply * 1000));
        }

        // ------------------------------------------------------------ traffic

        /** The calls, when arrivals start and stop, agents when the traffic brings them, and a summary. */
        record Traffic(long start, long end, List<Scenario.Call> calls, List<Scenario.AgentSpec> agents,
                       Map<String, Object> summary) {}

        /** One intent class of the mix: its share, how it reads to the rules, and its service time. */
        record IntentClass(String name, double share, String text, String language, Map<String, String> fields,
                           Distribution service, double resolvedShare) {}

        private Traffic poisson(JsonNode a, long seed, long start) {
            known(a, "arrivals.", "kind", "days", "perHour");
            int days = (int) integer(a, "days", 1, 1, 3660, "arrivals.");
            if (overrides.days() != null) {
                days = overrides.days();
            }
            TreeMap<Long, Double> rates = rates(a.get("perHour"));
            Mix mix = mix();
            Distribution patience = distribution(root.get("patience"), "patience", new Distribution.None(), true);
            long end = start + days * DAY;
            if (rates == null || mix == null || patience == null) {
                return new Traffic(start, end, List.of(), null, Map.of());
            }
            List<Long> times = new ArrayList<>();
            SplittableRandom arrivalsRandom = new SplittableRandom(seed);
            for (int d = 0; d < days; d++) {
                long dayStart = start + d * DAY;
                List<Map.Entry<Long, Double>> steps = new ArrayList<>(rates.entrySet());
                for (int i = 0; i < steps.size(); i++) {
                    long from = dayStart + steps.get(i).getKey();
                    long to = dayStart + (i + 1 < steps.size() ? steps.get(i + 1).getKey() : DAY);
                    double perHour = steps.get(i).getValue();
                    if (perHour <= 0) {
                        continue;
                    }
                    // Piecewise-constant rate: within a step the gaps are exponential; a gap running past the
                    // step's end is drawn again from there (memoryless, so the process stays Poisson).
                    double t = from;
                    while (true) {
                        t += -Math.log(1.0 - arrivalsRandom.nextDouble()) * 3_600_000.0 / perHour;
                        if (t >= to) {
                            break;
                        }
                        times.add((long) Math.floor(t));
                    }
                }
            }
            List<Scenario.Call> calls = new ArrayList<>(times.size());
            for (int i = 0; i < times.size(); i++) {
                SplittableRandom r = callRandom(seed, i);
                calls.add(mix.call(i, times.get(i), r, patience, seed));
            }
            Map<String, Object> summary = new LinkedHashMap<>();
            summary.put("kind", "poisson");
            summary.put("days", days);
            summary.put("perHour", rateSummary(rates));
            summary.put("patience", patience.describe());
            summary.put("intents", mix.describe());
            return new Traffic(start, end, calls, null, summary);
        }

        private Traffic trace(JsonNode a, long seed, long start) {
            known(a, "arrivals.", "kind", "file");
            Path csv = existingFile(a, "file", "arrivals.");
            Mix mix = root.has("mix") ? mix() : null;
            Distribution patience = distribution(root.get("patience"), "patience", new Distribution.None(), true);
            if (csv == null || patience == null) {
                return new Traffic(start, start, List.of(), null, Map.of());
            }
            return new TraceReader(problems, workbench).read(csv, "arrivals.file (" + csv.getFileName() + ")", seed,
                    start, mix == null ? Map.of() : mix.byName(), patience, overrides.days());
        }

        private Traffic bank(JsonNode a, long seed) {
            known(a, "arrivals.", "kind", "file", "days");
            Path csv = existingFile(a, "file", "arrivals.");
            Integer days = overrides.days() != null ? overrides.days()
                    : a.has("days") ? (int) integer(a, "days", 31, 1, 31, "arrivals.") : null;
            for (String field : List.of("mix", "patience", "customers", "resolvedShare")) {
                if (root.has(field)) {
                    problems.add(field + ": an anonymous-bank trace brings its own " + field
                            + " (from the recorded calls); remove this section");
                }
            }
            if (csv == null) {
                return new Traffic(0, 0, List.of(), List.of(), Map.of());
            }
            try {
                BankTrace.Result r = BankTrace.read(csv, seed, days);
                return new Traffic(r.start(), r.end(), r.calls(), r.agents(), r.summary());
            } catch (IOException e) {
                problems.add("arrivals.file: cannot be read: " + e.getMessage());
            } catch (IllegalArgumentException e) {
                problems.add("arrivals.file: " + e.getMessage());
            }
            return new Traffic(0, 0, List.of(), List.of(), Map.of());
        }

        /** "perHour": one rate all day, or {"HH:MM": rate, ...}: each rate holds until the next time. */
        private TreeMap<Long, Double> rates(JsonNode n) {
            TreeMap<Long, Double> rates = new TreeMap<>();
            if (n == null) {
                problems.add("arrivals.perHour: is required: calls per hour, one number or {\"08:00\": 120, \"18:00\": 0}");
                return null;
            }
            if (n.isNumber()) {
                if (n.asDouble() < 0) {
                    problems.add("arrivals.perHour: must not be negative, was " + n.asDouble());
                    return null;
                }
                rates.put(0L, n.asDouble());
                return rates;
            }
            if (!n.isObject() || n.isEmpty()) {
                problems.add("arrivals.perHour: must be a number or a mapping of times of day (\"HH:MM\") to calls per hour");
                return null;
            }
            rates.put(0L, 0.0);
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                Long at = timeOfDay(e.getKey(), "arrivals.perHour." + e.getKey());
                if (at == null) {
                    continue;
                }
                if (!e.getValue().isNumber() || e.getValue().asDouble() < 0) {
                    problems.add("arrivals.perHour." + e.getKey() + ": must be a number of calls per hour, 0 or more");
                    continue;
                }
                if (at >= DAY) {
                    problems.add("arrivals.perHour." + e.getKey() + ": a rate must start before 24:00");
                    continue;
                }
                rates.put(at, e.getValue().asDouble());
            }
            return rates;
        }

        private static Map<String, Object> rateSummary(TreeMap<Long, Double> rates) {
            Map<String, Object> s = new LinkedHashMap<>();
            rates.forEach((at, r) -> s.put(String.format(Locale.ROOT, "%02d:%02d", at / 3_600_000, at / 60_000 % 60), r));
            return s;
        }

        // ------------------------------------------------------------ the mix of calls

        /** Shares of channels, tiers, languages and intents, and the customers calls come from. */
        final class Mix {
            final Map<String, Double> channels;
            final Map<String, Double> tiers;
            final Map<String, Double> languages;
            final List<IntentClass> intents;
            final int customerPool;

            Mix(Map<String, Double> channels, Map<String, Double> tiers, Map<String, Double> languages,
                List<IntentClass> intents, int customerPool) {
                this.channels = channels;
                this.tiers = tiers;
                this.languages = languages;
                this.intents = intents;
                this.customerPool = customerPool;
            }

            Map<String, IntentClass> byName() {
                Map<String, IntentClass> m = new LinkedHashMap<>();
                intents.forEach(i -> m.put(i.name(), i));
                return m;
            }

            List<Map<String, Object>> describe() {
                List<Map<String, Object>> list = new ArrayList<>();
                for (IntentClass i : intents) {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", i.name());
                    m.put("share", i.share());
                    m.put("service", i.service().describe());
                    list.add(m);
                }
                return list;
            }

            Scenario.Call call(int index, long at, SplittableRandom r, Distribution patience, long seed) {
                IntentClass intent = pick(intents, IntentClass::share, r);
                String channel = pick(channels, r);
                String language = pick(languages, r);
                if (intent.language() != null) {
                    language = intent.language().equals("none") ? null : intent.language();
                }
                String customer = null;
                String tier;
                if (customerPool > 0) {
                    int k = 1 + r.nextInt(customerPool);
                    customer = "cust-" + k;
                    // A customer keeps one tier for the whole run.
                    tier = pick(tiers, callRandom(seed ^ 0x7a3d_b1c5L, k));
                } else {
                    tier = pick(tiers, r);
                }
                long service = Math.max(1, intent.service().sampleMillis(r));
                long patienceMillis = patience.sampleMillis(r);
                boolean resolved = r.nextDouble() < intent.resolvedShare();
                return new Scenario.Call(index, "call-" + index, at, channel, intent.text(), language, customer, tier,
                        intent.fields(), intent.name(), service, patienceMillis, resolved);
            }
        }

        private Mix mix() {
            JsonNode m = root.get("mix");
            if (m == null || !m.isObject()) {
                problems.add("mix: is required: shares of channels, tiers, languages and intents");
                return null;
            }
            known(m, "mix.", "channels", "tiers", "languages", "intents");
            Map<String, Double> channels = shares(m, "channels", null);
            Map<String, Double> tiers = shares(m, "tiers", workbench == null ? "regular" : workbench.routing().defaultTier());
            Map<String, Double> languages = shares(m, "languages", workbench == null ? "zh" : workbench.routing().defaultLanguage());
            double defaultResolved = number(root, "resolvedShare", 1.0, 0, 1, "");
            List<IntentClass> intents = new ArrayList<>();
            JsonNode list = m.get("intents");
            if (list == null || !list.isArray() || list.isEmpty()) {
                problems.add("mix.intents: is required: a list of {name, share, text, service}");
            } else {
                double total = 0;
                Set<String> names = new LinkedHashSet<>();
                for (int i = 0; i < list.size(); i++) {
                    JsonNode n = list.get(i);
                    String at = "mix.intents[" + i + "].";
                    if (!n.isObject()) {
                        problems.add("mix.intents[" + i + "]: must be a mapping {name, share, text, service}");
                        continue;
                    }
                    known(n, at, "name", "share", "text", "language", "fields", "service", "resolvedShare");
                    String name = text(n, "name", null);
                    if (name == null) {
                        problems.add(at + "name: is required");
                    } else if (!names.add(name)) {
                        problems.add(at + "name: '" + name + "' is used by another intent");
                    }
                    double share = number(n, "share", Double.NaN, 0, 1e9, at);
                    if (Double.isNaN(share)) {
                        problems.add(at + "share: is required");
                        share = 0;
                    }
                    total += share;
                    String text = text(n, "text", null);
                    if (text == null || text.isBlank()) {
                        problems.add(at + "text: is required: what the customer writes (the rules classify it)");
                    }
                    String language = text(n, "language", null);
                    if (language != null && !language.equals("none") && !LANGUAGE.matcher(language).matches()) {
                        problems.add(at + "language: '" + language + "' is not a language tag such as zh or en (or none:"
                                + " let the rules decide)");
                    }
                    Map<String, String> fields = new LinkedHashMap<>();
                    JsonNode f = n.get("fields");
                    if (f != null && !f.isNull()) {
                        if (!f.isObject()) {
                            problems.add(at + "fields: must be a mapping of field names to values");
                        } else {
                            for (Map.Entry<String, JsonNode> e : f.properties()) {
                                fields.put(e.getKey(), e.getValue().asString(""));
                            }
                        }
                    }
                    Distribution service = distribution(n.get("service"), at + "service", null, false);
                    double resolved = number(n, "resolvedShare", defaultResolved, 0, 1, at);
                    if (name != null && service != null && text != null) {
                        intents.add(new IntentClass(name, share, text, language, fields, service, resolved));
                    }
                }
                if (total <= 0) {
                    problems.add("mix.intents: the shares must add up to more than 0");
                }
            }
            JsonNode c = object(root, "customers");
            known(c, "customers.", "pool");
            int pool = (int) integer(c, "pool", 0, 0, 100_000_000, "customers.");
            if (channels == null) {
                return null;
            }
            return new Mix(channels, tiers, languages, intents, pool);
        }

        /** {name: share} with shares 0 or more and not all 0; a missing map is all {@code fallback}. */
        private Map<String, Double> shares(JsonNode m, String field, String fallback) {
            JsonNode n = m.get(field);
            Map<String, Double> shares = new LinkedHashMap<>();
            if (n == null || n.isNull()) {
                if (fallback == null) {
                    problems.add("mix." + field + ": is required, for example {web: 0.7, phone: 0.3}");
                    return null;
                }
                shares.put(fallback, 1.0);
                return shares;
            }
            if (!n.isObject() || n.isEmpty()) {
                problems.add("mix." + field + ": must be a mapping of names to shares, for example {a: 0.7, b: 0.3}");
                return null;
            }
            double total = 0;
            for (Map.Entry<String, JsonNode> e : n.properties()) {
                if (!e.getValue().isNumber() || e.getValue().asDouble() < 0) {
                    problems.add("mix." + field + "." + e.getKey() + ": must be a share, a number 0 or more");
                    continue;
                }
                shares.put(e.getKey(), e.getValue().asDouble());
                total += e.getValue().asDouble();
            }
            if (total <= 0) {
                problems.add("mix." + field + ": the shares must add up to more than 0");
                return null;
            }
            return shares;
        }

        /**
         * {exponential: {meanSeconds}}, {lognormal: {logMean, logSd}} or {lognormal: {meanSeconds,
         * sdSeconds}}, {fixed: {seconds}}; for patience also "none".
         */
        private Distribution distribution(JsonNode n, String at, Distribution absent, boolean noneAllowed) {
            if (n == null || n.isNull()) {
                if (absent == null) {
                    problems.add(at + ": is required, for example {exponential: {meanSeconds: 180}}");
                }
                return absent;
            }
            if (n.isString() && noneAllowed && n.asString().equals("none")) {
                return new Distribution.None();
            }
            if (!n.isObject() || n.size() != 1) {
                problems.add(at + ": must be one of {exponential: {meanSeconds}}, {lognormal: {logMean, logSd}}, "
                        + "{lognormal: {meanSeconds, sdSeconds}}, {fixed: {seconds}}" + (noneAllowed ? " or none" : ""));
                return null;
            }
            Map.Entry<String, JsonNode> e = n.properties().iterator().next();
            JsonNode p = e.getValue();
            String where = at + "." + e.getKey() + ".";
            if (!p.isObject()) {
                problems.add(at + "." + e.getKey() + ": must be a mapping of its parameters");
                return null;
            }
            switch (e.getKey()) {
                case "exponential" -> {
                    known(p, where, "meanSeconds");
                    double mean = number(p, "meanSeconds", Double.NaN, 1e-3, 1e9, where);
                    if (Double.isNaN(mean)) {
                        problems.add(where + "meanSeconds: is required");
                        return null;
                    }
                    return new Distribution.Exponential(mean);
                }
                case "lognormal" -> {
                    known(p, where, "logMean", "logSd", "meanSeconds", "sdSeconds");
                    if (p.has("logMean") || p.has("logSd")) {
                        double mu = number(p, "logMean", Double.NaN, -50, 50, where);
                        double sigma = number(p, "logSd", Double.NaN, 0, 20, where);
                        if (Double.isNaN(mu) || Double.isNaN(sigma)) {
                            problems.add(where + ": logMean and logSd are both required");
                            return null;
                        }
                        return new Distribution.LogNormal(mu, sigma);
                    }
                    double mean = number(p, "meanSeconds", Double.NaN, 1e-3, 1e9, where);
                    double sd = number(p, "sdSeconds", Double.NaN, 0, 1e9, where);
                    if (Double.isNaN(mean) || Double.isNaN(sd)) {
                        problems.add(where + ": give logMean and logSd, or meanSeconds and sdSeconds");
                        return null;
                    }
                    return Distribution.LogNormal.ofMeanAndSd(mean, sd);
                }
                case "fixed" -> {
                    known(p, where, "seconds");
                    double s = number(p, "seconds", Double.NaN, 0, 1e9, where);
                    if (Double.isNaN(s)) {
                        problems.add(where + "seconds: is required");
                        return null;
                    }
                    return new Distribution.Fixed(s);
                }
                default -> {
                    problems.add(at + ": '" + e.getKey() + "' is not a distribution; use exponential, lognormal or fixed"
                            + (noneAllowed ? " (or none)" : ""));
                    return null;
                }
            }
        }

        // ------------------------------------------------------------ agents

        private List<Scenario.AgentSpec> agents(long start, long end) {
            JsonNode list = root.get("agents");
            if (list == null || !list.isArray() || list.isEmpty()) {
                problems.add("agents: is required: a list of {id, count, skills, languages, capacity, shifts}");
                return List.of();
            }
            List<Scenario.AgentSpec> agents = new ArrayList<>();
            Set<String> ids = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                JsonNode n = list.get(i);
                String at = "agents[" + i + "].";
                if (!n.isObject()) {
                    problems.add("agents[" + i + "]: must be a mapping {id, count, skills, languages, capacity, shifts}");
                    continue;
                }
                known(n, at, "id", "name", "count", "skills", "languages", "teams", "capacity", "queues", "maxUnits",
                        "shifts");
                String id = text(n, "id", null);
                if (id == null || !id.matches("[A-Za-z0-9._:@-]{1,100}")) {
                    problems.add(at + "id: is required: 1-100 letters, digits and . _ : @ -");
                    continue;
                }
                int count = (int) integer(n, "count", 1, 1, 100_000, at);
                Map<String, Integer> skills = intMap(n, "skills", at);
                Map<String, Integer> capacity = intMap(n, "capacity", at);
                if (capacity.isEmpty()) {
                    problems.add(at + "capacity: is required: conversations at once per channel, for example {phone: 1}");
                }
                List<String> languages = strings(n, "languages", at);
                if (languages.isEmpty()) {
                    problems.add(at + "languages: must list at least one language, such as [zh]");
                }
                for (String l : languages) {
                    if (!LANGUAGE.matcher(l).matches()) {
                        problems.add(at + "languages: '" + l + "' is not a language tag such as zh, en or zh-CN");
                    }
                }
                List<String> teams = strings(n, "teams", at);
                List<String> queues = strings(n, "queues", at);
                Integer maxUnits = n.has("maxUnits") ? (int) integer(n, "maxUnits", 0, 0, 1_000_000, at) : null;
                List<Scenario.Interval> online = shifts(n.get("shifts"), at + "shifts", start, end);
                String name = text(n, "name", id);
                for (int k = 1; k <= count; k++) {
                    String agentId = count == 1 ? id : id + "-" + k;
                    if (!ids.add(agentId)) {
                        problems.add(at + "id: agent '" + agentId + "' is defined twice");
                    }
                    agents.add(new Scenario.AgentSpec(agentId, count == 1 ? name : name + " " + k, skills, languages,
                            teams, capacity, queues, maxUnits, online));
                }
            }
            return agents;
        }

        /**
         * Shifts as [{days: [mon, ...], from: "HH:MM", to: "HH:MM"}] (no days: every day; "to" at or
         * before "from" runs past midnight), repeated every day from the start until the calls in the
         * system have drained. No shifts: online all the time.
         */
        private List<Scenario.Interval> shifts(JsonNode n, String at, long start, long end) {
            long until = end + Scenario.DRAIN_MILLIS;
            if (n == null || n.isNull()) {
                return List.of(new Scenario.Interval(start, until));
            }
            if (!n.isArray() || n.isEmpty()) {
                problems.add(at + ": must be a list of {days, from, to}");
                return List.of();
            }
            List<Scenario.Interval> raw = new ArrayList<>();
            LocalDate first = Instant.ofEpochMilli(start).atZone(ZoneOffset.UTC).toLocalDate();
            long firstMidnight = first.atStartOfDay(ZoneOffset.UTC).toInstant().toEpochMilli();
            for (int i = 0; i < n.size(); i++) {
                JsonNode s = n.get(i);
                String where = at + "[" + i + "].";
                if (!s.isObject()) {
                    problems.add(at + "[" + i + "]: must be a mapping {days, from, to}");
                    continue;
                }
                known(s, where, "days", "from", "to");
                Long from = s.has("from") ? timeOfDay(s.get("from"), where + "from") : null;
                Long to = s.has("to") ? timeOfDay(s.get("to"), where + "to") : null;
                if (!s.has("from") || !s.has("to")) {
                    problems.add(where + ": from and to are required, as \"HH:MM\"");
                    continue;
                }
                Set<DayOfWeek> days = days(s.get("days"), where + "days");
                if (from == null || to == null || days == null) {
                    continue;
                }
                long length = to > from ? to - from : to + DAY - from;
                for (long day = firstMidnight - DAY; day < until; day += DAY) {
                    DayOfWeek dow = Instant.ofEpochMilli(day).atZone(ZoneOffset.UTC).getDayOfWeek();
                    if (days.contains(dow)) {
                        long a = Math.max(day + from, start);
                        long b = Math.min(day + from + length, until);
                        if (b > a) {
                            raw.add(new Scenario.Interval(a, b));
                        }
                    }
                }
            }
            return merge(raw);
        }

        private Set<DayOfWeek> days(JsonNode n, String at) {
            if (n == null || n.isNull()) {
                return Set.of(DayOfWeek.values());
            }
            if (!n.isArray() || n.isEmpty()) {
                problems.add(at + ": must be a list of days such as [mon, tue, wed]");
                return null;
            }
            Set<DayOfWeek> days = new LinkedHashSet<>();
            for (JsonNode d : n) {
                String s = d.asString("").toLowerCase(Locale.ROOT);
                DayOfWeek match = null;
                for (DayOfWeek w : DayOfWeek.values()) {
                    if (!s.isEmpty() && s.length() >= 3 && w.name().toLowerCase(Locale.ROOT).startsWith(s)) {
                        match = w;
                    }
                }
                if (match == null) {
                    problems.add(at + ": '" + d.asString("") + "' is not a day; use mon, tue, wed, thu, fri, sat, sun");
                } else {
                    days.add(match);
                }
            }
            return days;
        }

        // ------------------------------------------------------------ against the workbench

        private void checkAgainstWorkbench(Traffic traffic, List<Scenario.AgentSpec> agents) {
            Set<String> reported = new LinkedHashSet<>();
            for (Scenario.Call c : traffic.calls()) {
                if (!workbench.hasChannel(c.channel())) {
                    reported.add("channel '" + c.channel() + "' is not in the workbench's channels.yaml; known: "
                            + new java.util.TreeSet<>(workbench.channelIds()));
                }
                if (c.tier() != null && !workbench.hasTier(c.tier())) {
                    reported.add("tier '" + c.tier() + "' is not in the workbench's routing.yaml tiers; known: "
                            + workbench.routing().tiers());
                }
                if (c.language() != null && !LANGUAGE.matcher(c.language()).matches()) {
                    reported.add("language '" + c.language() + "' is not a language tag such as zh, en or zh-CN");
                }
            }
            reported.forEach(r -> problems.add((root.has("mix") ? "mix: " : "arrivals: ") + r));
            Set<String> agentProblems = new LinkedHashSet<>();
            for (Scenario.AgentSpec a : agents) {
                String at = "agents (" + a.id() + "): ";
                a.skills().forEach((skill, level) -> {
                    Workbench.Skill s = workbench.skills().get(skill);
                    if (s == null) {
                        agentProblems.add(at + "skills." + skill + ": is not a skill in the workbench's skills.yaml; known: "
                                + new java.util.TreeSet<>(workbench.skills().keySet()));
                    } else if (level < 1 || level > s.maxLevel()) {
                        agentProblems.add(at + "skills." + skill + ": level must be 1-" + s.maxLevel() + ", was " + level);
                    }
                });
                a.capacity().forEach((channel, n) -> {
                    if (!workbench.hasChannel(channel)) {
                        agentProblems.add(at + "capacity." + channel + ": is not a channel in the workbench; known: "
                                + new java.util.TreeSet<>(workbench.channelIds()));
                    } else if (n < 0 || n > 1000) {
                        agentProblems.add(at + "capacity." + channel + ": must be 0-1000, was " + n);
                    }
                });
                a.teams().stream().filter(t -> !workbench.teams().containsKey(t)).forEach(t -> agentProblems.add(
                        at + "teams: '" + t + "' is not a team in the workbench's teams.yaml"));
                a.queues().stream().filter(q -> !workbench.queues().containsKey(q)).forEach(q -> agentProblems.add(
                        at + "queues: '" + q + "' is not a queue in the workbench's queues.yaml"));
            }
            problems.addAll(agentProblems);
        }

        // ------------------------------------------------------------ field helpers

        private void known(JsonNode n, String prefix, String... fields) {
            if (n == null || !n.isObject()) {
                return;
            }
            List<String> allowed = List.of(fields);
            for (String name : n.propertyNames()) {
                if (!allowed.contains(name)) {
                    problems.add(prefix + name + ": is not a field here; known: " + allowed);
                }
            }
        }

        private JsonNode object(JsonNode n, String field) {
            JsonNode v = n.get(field);
            if (v == null || v.isNull()) {
                return null;
            }
            if (!v.isObject()) {
                problems.add(field + ": must be a mapping");
                return null;
            }
            return v;
        }

        private String text(JsonNode n, String field, String fallback) {
            JsonNode v = n == null ? null : n.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (v.isObject() || v.isArray()) {
                problems.add(field + ": must be text");
                return fallback;
            }
            return v.asString();
        }

        private long integer(JsonNode n, String field, long fallback, long min, long max) {
            return integer(n, field, fallback, min, max, "");
        }

        private long integer(JsonNode n, String field, long fallback, long min, long max, String prefix) {
            JsonNode v = n == null ? null : n.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isIntegralNumber()) {
                problems.add(prefix + field + ": must be a whole number, was " + v);
                return fallback;
            }
            long x = v.asLong();
            if (x < min || x > max) {
                problems.add(prefix + field + ": must be " + min + "-" + max + ", was " + x);
                return fallback;
            }
            return x;
        }

        private double number(JsonNode n, String field, double fallback, double min, double max, String prefix) {
            JsonNode v = n == null ? null : n.get(field);
            if (v == null || v.isNull()) {
                return fallback;
            }
            if (!v.isNumber()) {
                problems.add(prefix + field + ": must be a number, was " + v);
                return fallback;
            }
            double x = v.asDouble();
            if (x < min || x > max) {
                problems.add(prefix + field + ": must be between " + min + " and " + max + ", was " + x);
                return fallback;
            }
            return x;
        }

        private Instant instant(JsonNode n, String field, Instant fallback) {
            String s = text(n, field, null);
            if (s == null) {
                return fallback;
            }
            try {
                return Instant.parse(s);
            } catch (DateTimeParseException e) {
                problems.add(field + ": '" + s + "' is not an instant such as 2024-11-11T00:00:00Z");
                return fallback;
            }
        }

        private Long timeOfDay(JsonNode v, String at) {
            if (v.isNumber()) {
                problems.add(at + ": write times of day in quotes, as \"HH:MM\" (YAML reads 08:00 without quotes as a number)");
                return null;
            }
            return timeOfDay(v.asString(""), at);
        }

        private Long timeOfDay(String s, String at) {
            var m = TIME_OF_DAY.matcher(s.trim());
            if (!m.matches() || (Integer.parseInt(m.group(1)) == 24 && !m.group(2).equals("00"))) {
                problems.add(at + ": '" + s + "' is not a time of day \"HH:MM\" (00:00-24:00)");
                return null;
            }
            return (Integer.parseInt(m.group(1)) * 60L + Integer.parseInt(m.group(2))) * 60_000;
        }

        private Path directory(JsonNode n, String field) {
            String s = text(n, field, null);
            if (s == null) {
                problems.add(field + ": is required: the " + (field.equals("rules") ? "policy" : "workbench-config")
                        + " directory, relative to this file");
                return null;
            }
            Path p = dir.resolve(s).normalize();
            if (!Files.isDirectory(p)) {
                problems.add(field + ": '" + s + "' is not a directory (looked for " + p + ")");
                return null;
            }
            return p;
        }

        private Path existingFile(JsonNode n, String field, String prefix) {
            String s = text(n, field, null);
            if (s == null) {
                problems.add(prefix + field + ": is required: a CSV file, relative to this file");
                return null;
            }
            Path p = dir.resolve(s).normalize();
            if (!Files.isRegularFile(p)) {
                problems.add(prefix + field + ": '" + s + "' does not exist (looked for " + p + ")");
                return null;
            }
            return p;
        }

        private Map<String, Integer> intMap(JsonNode n, String field, String prefix) {
            JsonNode v = n.get(field);
            Map<String, Integer> m = new LinkedHashMap<>();
            if (v == null || v.isNull()) {
                return m;
            }
            if (!v.isObject()) {
                problems.add(prefix + field + ": must be a mapping of names to whole numbers");
                return m;
            }
            for (Map.Entry<String, JsonNode> e : v.properties()) {
                if (!e.getValue().isIntegralNumber()) {
                    problems.add(prefix + field + "." + e.getKey() + ": must be a whole number, was " + e.getValue());
                } else {
                    m.put(e.getKey(), e.getValue().asInt());
                }
            }
            return m;
        }

        private List<String> strings(JsonNode n, String field, String prefix) {
            JsonNode v = n.get(field);
            List<String> list = new ArrayList<>();
            if (v == null || v.isNull()) {
                return list;
            }
            if (!v.isArray()) {
                problems.add(prefix + field + ": must be a list, for example [a, b]");
                return list;
            }
            v.forEach(x -> list.add(x.asString("")));
            return list;
        }
    }

    // ---------------------------------------------------------------- shared helpers

    /** Sorted, disjoint intervals: overlapping or touching ones joined. */
    static List<Scenario.Interval> merge(List<Scenario.Interval> raw) {
        List<Scenario.Interval> sorted = new ArrayList<>(raw);
        sorted.sort(java.util.Comparator.comparingLong(Scenario.Interval::from));
        List<Scenario.Interval> merged = new ArrayList<>();
        for (Scenario.Interval i : sorted) {
            if (!merged.isEmpty() && i.from() <= merged.get(merged.size() - 1).to()) {
                Scenario.Interval last = merged.remove(merged.size() - 1);
                merged.add(new Scenario.Interval(last.from(), Math.max(last.to(), i.to())));
            } else {
                merged.add(i);
            }
        }
        return merged;
    }

    /** A random stream of its own for each call, so one call's draws never shift another's. */
    static SplittableRandom callRandom(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index * 0xC2B2AE3D27D4EB4FL + 0x165667B19E3779F9L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return new SplittableRandom(z ^ (z >>> 31));
    }

    static <T> T pick(List<T> items, java.util.function.ToDoubleFunction<T> share, SplittableRandom r) {
        double total = 0;
        for (T t : items) {
            total += share.applyAsDouble(t);
        }
        double u = r.nextDouble() * total;
        for (T t : items) {
            u -= share.applyAsDouble(t);
            if (u < 0) {
                return t;
            }
        }
        return items.get(items.size() - 1);
    }

    static String pick(Map<String, Double> shares, SplittableRandom r) {
        return pick(new ArrayList<>(shares.entrySet()), Map.Entry::getValue, r).getKey();
    }
}
