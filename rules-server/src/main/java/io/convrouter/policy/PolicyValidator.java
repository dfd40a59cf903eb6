package io.convrouter.policy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

import io.convrouter.classify.Classifier;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.PolicyProblem;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompilationException;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.workbench.Workbench;

/**
 * Validates a candidate ruleset the way ops need it: every cell checked against the fact model
 * and the workbench, then compiled, then its scenarios run. All problems come back at once.
 */
public final class PolicyValidator {
    private final RulesetCompiler compiler;
    private final PolicyLinter linter;
    private final ScenarioRunner scenarios;

    public PolicyValidator(RulesetCompiler compiler, Classifier classifier, Workbench workbench) {
        this.compiler = compiler;
        this.linter = new PolicyLinter(workbench);
        Workbench.RoutingDefaults d = workbench.routing();
        this.scenarios = new ScenarioRunner(classifier, new io.convrouter.classify.RoutingInput.Defaults(
                d.defaultQueue(), d.defaultPriority(), d.defaultSlaSeconds(), d.defaultLanguage()));
    }

    /** The report, and the compiled ruleset when there were no errors. */
    public record Outcome(ValidationReport report, Ruleset ruleset) {}

    public Outcome validate(List<PolicyFile> files) {
        String version = RulesetCompiler.versionOf(files);
        List<PolicyProblem> problems = new ArrayList<>();
        List<SheetGrid> grids = new ArrayList<>();
        List<Scenario> scenarioList = new ArrayList<>();
        ScenarioReader reader = new ScenarioReader();
        for (PolicyFile f : files) {
            try {
                switch (f.kind()) {
                    case XLSX, XLS, SCENARIOS_XLSX -> grids.addAll(SheetGrid.ofWorkbook(f));
                    case CSV, SCENARIOS_CSV -> grids.add(SheetGrid.ofCsv(f));
                    case DRL -> problems.addAll(linter.lintDrl(f));
                    default -> { }
                }
            } catch (IOException | RuntimeException e) {
                problems.add(PolicyProblem.error(f.path(), "cannot read the file as a spreadsheet: " + e.getMessage()));
            }
        }
        for (SheetGrid g : grids) {
            boolean scenarioFile = g.file().toLowerCase(java.util.Locale.ROOT).contains(".scenarios.");
            if (ScenarioReader.isScenarioSheet(g) || scenarioFile) {
                ScenarioReader.Result r = reader.read(g);
                scenarioList.addAll(r.scenarios());
                problems.addAll(r.problems());
            } else {
                problems.addAll(linter.lintTables(DecisionTable.read(g)));
            }
        }
        Ruleset ruleset = null;
        try {
            ruleset = compiler.compile(files);
        } catch (RulesetCompilationException e) {
            for (PolicyProblem p : e.problems()) {
                if (!alreadyExplained(p, problems)) {
                    problems.add(withColumn(p, grids));
                }
            }
        }
        List<ScenarioResult> results = ruleset == null ? List.of() : scenarios.run(ruleset, scenarioList);
        List<ValidationReport.Problem> errors = problems.stream()
                .filter(p -> p.severity() == PolicyProblem.Severity.ERROR).map(ValidationReport.Problem::of).toList();
        List<ValidationReport.Problem> warnings = problems.stream()
                .filter(p -> p.severity() == PolicyProblem.Severity.WARNING).map(ValidationReport.Problem::of).toList();
        int failed = (int) results.stream().filter(r -> !r.passed()).count();
        boolean valid = errors.isEmpty() && ruleset != null && failed == 0;
        ValidationReport report = new ValidationReport(version, valid, ruleset == null ? 0 : ruleset.ruleCount(), errors,
                warnings, results.size(), failed, results);
        return new Outcome(report, errors.isEmpty() ? ruleset : null);
    }

    /**
     * A compile error adds nothing when the linter already explained it in plainer words: an error
     * on the same row, or a broken column header on the same sheet (which breaks every row).
     */
    private static boolean alreadyExplained(PolicyProblem p, List<PolicyProblem> problems) {
        return p.row() != null && problems.stream().anyMatch(q -> q.severity() == PolicyProblem.Severity.ERROR
                && Objects.equals(q.file(), p.file()) && Objects.equals(q.sheet(), p.sheet())
                && (Objects.equals(q.row(), p.row()) || PolicyLinter.isHeaderProblem(q)));
    }

    /**
     * Compile errors point at a row; find the column by looking for the cell whose text the
     * message quotes.
     */
    static PolicyProblem withColumn(PolicyProblem p, List<SheetGrid> grids) {
        if (p.row() == null || p.column() != null) {
            return p;
        }
        for (SheetGrid g : grids) {
            if (Objects.equals(g.file(), p.file()) && Objects.equals(g.sheet(), p.sheet())) {
                String best = null;
                int bestCol = -1;
                for (var cell : g.row(p.row()).entrySet()) {
                    String v = cell.getValue().trim();
                    if (v.length() > 0 && p.message().contains(v) && (best == null || v.length() > best.length())) {
                        best = v;
                        bestCol = cell.getKey();
                    }
                }
                if (bestCol >= 0) {
                    return new PolicyProblem(p.severity(), p.file(), p.sheet(), p.row(), SheetGrid.columnName(bestCol),
                            p.line(), p.message());
                }
            }
        }
        return p;
    }
}
