package io.convrouter.classify;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import org.kie.api.KieBase;
import org.kie.api.definition.rule.Rule;

/**
 * A compiled, immutable set of routing policies. Its version is a content hash of its files,
 * so the same files always give the same version.
 */
public final class Ruleset {
    private final String version;
    private final Instant compiledAt;
    private final List<String> files;
    private final KieBase kieBase;
    private final Map<String, RuleSource> sources;
    private final Map<String, Stage> stages;
    private final boolean declaresPlanGlobal;
    private final List<PolicyProblem> warnings;
    private final List<GeneratedDrl> generated;
    private final Map<String, String> ruleTexts;
    /** What the decision log records for each rule that fires, made once per rule rather than per firing. */
    private final Map<Rule, FiredRule> firedRules = new java.util.concurrent.ConcurrentHashMap<>();

    /** The DRL Drools compiled for one policy source: a DRL file as written, or one sheet of a table. */
    public record GeneratedDrl(String file, String sheet, String drl) {}

    Ruleset(String version, Instant compiledAt, List<String> files, KieBase kieBase,
            Map<String, RuleSource> sources, Map<String, Stage> stages, boolean declaresPlanGlobal,
            List<PolicyProblem> warnings, List<GeneratedDrl> generated, Map<String, String> ruleTexts) {
        this.version = version;
        this.compiledAt = compiledAt;
        this.files = List.copyOf(files);
        this.kieBase = kieBase;
        this.sources = Map.copyOf(sources);
        this.stages = Map.copyOf(stages);
        this.declaresPlanGlobal = declaresPlanGlobal;
        this.warnings = List.copyOf(warnings);
        this.generated = List.copyOf(generated);
        this.ruleTexts = Map.copyOf(ruleTexts);
    }

    /** The DRL behind every source, in file order. */
    public List<GeneratedDrl> generated() {
        return generated;
    }

    /** The DRL text of each rule, keyed "package/name", for comparing versions. */
    public Map<String, String> ruleTexts() {
        return ruleTexts;
    }

    static String key(String packageName, String ruleName) {
        return packageName + "/" + ruleName;
    }

    public String version() { return version; }
    public Instant compiledAt() { return compiledAt; }
    public List<String> files() { return files; }
    public int ruleCount() { return sources.size(); }
    public List<PolicyProblem> warnings() { return warnings; }
    KieBase kieBase() { return kieBase; }
    boolean declaresPlanGlobal() { return declaresPlanGlobal; }

    /** A rule of this ruleset as the decision log records it when it fires: name, stage and source. */
    FiredRule fired(Rule rule) {
        FiredRule f = firedRules.get(rule);
        if (f == null) {
            Stage stage = stageOf(rule.getPackageName(), rule.getName());
            f = FiredRule.of(rule.getName(), stage == null ? null : stage.group(),
                    sourceOf(rule.getPackageName(), rule.getName()));
            firedRules.put(rule, f);
        }
        return f;
    }

    public RuleSource sourceOf(String packageName, String ruleName) {
        return sources.get(key(packageName, ruleName));
    }

    public Stage stageOf(String packageName, String ruleName) {
        return stages.get(key(packageName, ruleName));
    }

    /** Every rule, keyed "package/name", with where it lives. */
    public Map<String, RuleSource> rules() {
        return sources;
    }
}
