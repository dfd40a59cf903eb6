package io.convrouter.sim;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import io.convrouter.classify.Classifier;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.policy.PolicyValidator;
import io.convrouter.policy.ValidationReport;
import io.convrouter.workbench.Workbench;
import io.convrouter.workbench.WorkbenchLoader;

/**
 * A scenario's policies, loaded as the server loads them: the workbench-config directory, and the
 * rules directory validated (every cell checked, compiled, its scenario tables run) by the same
 * validator. A ruleset the server would not activate does not run here either.
 */
record PolicySet(Workbench workbench, Ruleset ruleset, Classifier classifier) {

    static PolicySet load(Scenario scenario) {
        Workbench workbench = new WorkbenchLoader().load(scenario.workbenchDir());
        Classifier classifier = new Classifier();
        List<PolicyFile> files = readPolicyFiles(scenario.rulesDir());
        if (files.isEmpty()) {
            throw new ScenarioException(scenario.file(), List.of("rules: " + scenario.rulesDir()
                    + " has no policy files (*.drl, *.drl.xlsx, *.drl.xls, *.drl.csv)"));
        }
        PolicyValidator.Outcome outcome = new PolicyValidator(new RulesetCompiler(Clock.systemUTC()), classifier, workbench)
                .validate(files);
        ValidationReport report = outcome.report();
        if (!report.valid() || outcome.ruleset() == null) {
            List<String> problems = new ArrayList<>();
            report.errors().forEach(e -> problems.add("rules: " + e.text()));
            report.scenarios().stream().filter(s -> !s.passed()).forEach(s -> problems.add("rules: scenario '" + s.name()
                    + "' (" + s.file() + " row " + s.row() + ") fails: " + s.mismatches()));
            if (problems.isEmpty()) {
                problems.add("rules: the ruleset in " + scenario.rulesDir() + " is not valid");
            }
            throw new ScenarioException(scenario.file(), problems);
        }
        return new PolicySet(workbench, outcome.ruleset(), classifier);
    }

    /** Every policy file under the directory (as the server reads its rules directory). */
    static List<PolicyFile> readPolicyFiles(Path dir) {
        List<PolicyFile> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = dir.relativize(p).toString();
                if (rel.startsWith(".") || rel.contains("/.") || rel.contains("~$")) {
                    continue;
                }
                PolicyFile f = new PolicyFile(rel, Files.readAllBytes(p));
                if (f.isRulesetFile()) {
                    files.add(f);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the rules directory " + dir, e);
        }
        return files;
    }
}
