package io.convrouter.classify;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.drools.base.definitions.rule.impl.RuleImpl;
import org.drools.decisiontable.InputType;
import org.drools.decisiontable.SpreadsheetCompiler;
import org.kie.api.KieBase;
import org.kie.api.KieServices;
import org.kie.api.builder.KieBuilder;
import org.kie.api.builder.KieFileSystem;
import org.kie.api.builder.Message;
import org.kie.api.builder.ReleaseId;
import org.kie.api.definition.KiePackage;
import org.kie.api.definition.rule.Global;
import org.kie.api.definition.rule.Rule;
import org.kie.api.runtime.KieContainer;

/**
 * Builds a {@link Ruleset} from policy files at run time: DRL as written, decision tables
 * ({@code *.drl.xlsx}, {@code *.drl.xls}, {@code *.drl.csv}) compiled sheet by sheet to DRL
 * first, so that every generated rule can be traced back to its sheet and row, and compile
 * errors point at spreadsheet rows rather than at generated DRL lines.
 */
public final class RulesetCompiler {

    public static final String FACTS_PACKAGE = "io.convrouter.classify.facts";
    public static final String PLAN_GLOBAL = "plan";
    private static final String INJECTED = "import " + FACTS_PACKAGE + ".*;\n"
            + "global " + FACTS_PACKAGE + ".RoutingPlan " + PLAN_GLOBAL + ";\n";
    private static final Pattern RULE_VALUES_AT = Pattern.compile("//\\s*rule values at ([A-Z]+)(\\d+)");
    private static final Pattern RULE_DECL = Pattern.compile("^\\s*rule\\s+(?:\"((?:[^\"\\\\]|\\\\.)*)\"|'([^']*)'|(\\S+))");
    private static final Pattern CELL_REF = Pattern.compile("\\b(?:cell|at)\\s+([A-Z]{1,3})(\\d+)");

    private static final String RESOURCES = "src/main/resources/";

    private final Clock clock;

    public RulesetCompiler(Clock clock) {
        this.clock = clock;
    }

    /** One DRL text the KieBuilder sees, and how its lines map back to the policy file. */
    private record Source(String kiePath, PolicyFile file, String sheet, String drl, boolean generated,
                          Map<String, RuleSource> rulesByName, TreeMap<Integer, Integer> rowByLine) {}

    public Ruleset compile(List<PolicyFile> inputFiles) {
        String version = versionOf(inputFiles);
        List<PolicyFile> files = inputFiles.stream()
                .filter(PolicyFile::isPolicy)
                .sorted(Comparator.comparing(PolicyFile::path))
                .toList();
        List<PolicyProblem> problems = new ArrayList<>();
        if (files.isEmpty()) {
            problems.add(PolicyProblem.error(null, "no policy files: expected *.drl, *.drl.xlsx, *.drl.xls or *.drl.csv"));
            throw new RulesetCompilationException(problems);
        }
        List<Source> sources = new ArrayList<>();
        for (PolicyFile file : files) {
            switch (file.kind()) {
                case DRL -> sources.add(drlSource(file, sources.size()));
                case CSV -> tableSource(file, null, sources.size(), problems).ifPresent(sources::add);
                case XLSX, XLS -> sources.addAll(workbookSources(file, sources.size(), problems));
                default -> { }
            }
        }
        // Problems so far (unreadable tables) are reported together with the build's, all at once.
        KieServices ks = KieServices.Factory.get();
        ReleaseId releaseId = ks.newReleaseId("io.convrouter.rulesets", "ruleset-" + version,
                "1.0." + System.nanoTime());
        KieFileSystem kfs = ks.newKieFileSystem();
        kfs.generateAndWritePomXML(releaseId);
        Map<String, Source> byPath = new HashMap<>();
        for (Source s : sources) {
            kfs.write(s.kiePath(), s.drl());
            byPath.put(s.kiePath(), s);
            // Messages and rule resources name the path relative to the resources folder.
            byPath.put(s.kiePath().substring(RESOURCES.length()), s);
        }
        KieBuilder builder = ks.newKieBuilder(kfs).buildAll();
        List<Message> errors = builder.getResults().getMessages(Message.Level.ERROR);
        for (Message m : errors) {
            // Drools adds this after any parse error in a file; the parse error itself says what is wrong.
            boolean echo = m.getText() != null && m.getText().contains("Parser returned a null Package")
                    && errors.stream().anyMatch(o -> o != m && java.util.Objects.equals(o.getPath(), m.getPath()));
            if (!echo) {
                problems.add(locate(m, byPath));
            }
        }
        if (!problems.isEmpty()) {
            ks.getRepository().removeKieModule(releaseId);
            throw new RulesetCompilationException(problems);
        }
        KieBase kieBase;
        try {
            KieContainer container = ks.newKieContainer(releaseId);
            kieBase = container.getKieBase();
        } finally {
            // The KieBase stands on its own; keeping modules in the repository would leak one per build.
            ks.getRepository().removeKieModule(releaseId);
        }
        Map<String, RuleSource> ruleSources = new HashMap<>();
        Map<String, Stage> ruleStages = new HashMap<>();
        Map<String, String> ruleTexts = new HashMap<>();
        boolean planGlobal = false;
        for (KiePackage pkg : kieBase.getKiePackages()) {
            for (Global g : pkg.getGlobalVariables()) {
                if (g.getName().equals(PLAN_GLOBAL)) {
                    planGlobal = true;
                }
            }
            for (Rule rule : pkg.getRules()) {
                RuleSource where = whereIs(rule, byPath);
                String group = rule instanceof RuleImpl impl ? impl.getAgendaGroup() : null;
                Stage stage = group == null ? null : Stage.ofGroup(group).orElse(null);
                if (stage == null) {
                    problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR,
                            where == null ? null : where.file(), where == null ? null : where.sheet(),
                            where == null ? null : where.row(), null, where == null ? null : where.line(),
                            "rule '" + rule.getName() + "' belongs to no stage (its group is '" + group
                                    + "'): set RULEFLOW-GROUP to one of " + Stage.groups()
                                    + " (for a decision table, a RULEFLOW-GROUP row above its RuleTable)"));
                    continue;
                }
                String key = Ruleset.key(pkg.getName(), rule.getName());
                ruleSources.put(key, where);
                ruleStages.put(key, stage);
                Source source = rule instanceof RuleImpl impl && impl.getResource() != null
                        ? byPath.get(impl.getResource().getSourcePath()) : null;
                if (source != null) {
                    ruleTexts.put(key, ruleText(source.drl(), rule.getName()));
                }
            }
        }
        if (!problems.isEmpty()) {
            throw new RulesetCompilationException(problems);
        }
        return new Ruleset(version, clock.instant(),
                inputFiles.stream().filter(PolicyFile::isRulesetFile).map(PolicyFile::path).sorted().toList(), kieBase,
                ruleSources, ruleStages, planGlobal, List.of(),
                sources.stream().map(s -> new Ruleset.GeneratedDrl(s.file().path(), s.sheet(), s.drl())).toList(),
                ruleTexts);
    }

    /** The text of one rule, from its declaration to its "end", as written or generated. */
    static String ruleText(String drl, String ruleName) {
        String[] lines = drl.split("\n", -1);
        StringBuilder sb = new StringBuilder();
        boolean inside = false;
        for (String line : lines) {
            if (!inside) {
                Matcher m = RULE_DECL.matcher(line);
                if (m.find() && ruleName.equals(firstNonNull(m.group(1), m.group(2), m.group(3)))) {
                    inside = true;
                }
            }
            if (inside) {
                sb.append(line.strip()).append('\n');
                if (line.strip().equals("end")) {
                    break;
                }
            }
        }
        return sb.toString();
    }

    /** A content hash of the ruleset's files (rules and scenarios): the same files always give the same version. */
    public static String versionOf(List<PolicyFile> files) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            files.stream().filter(PolicyFile::isRulesetFile).sorted(Comparator.comparing(PolicyFile::path)).forEach(f -> {
                sha.update(f.path().getBytes(StandardCharsets.UTF_8));
                sha.update((byte) 0);
                sha.update(f.content());
                sha.update((byte) 0);
            });
            return HexFormat.of().formatHex(sha.digest()).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static RuleSource whereIs(Rule rule, Map<String, Source> byPath) {
        if (rule instanceof RuleImpl impl && impl.getResource() != null) {
            Source s = byPath.get(impl.getResource().getSourcePath());
            if (s != null) {
                return s.rulesByName().get(rule.getName());
            }
        }
        for (Source s : byPath.values()) {
            RuleSource r = s.rulesByName().get(rule.getName());
            if (r != null) {
                return r;
            }
        }
        return null;
    }

    private static PolicyProblem locate(Message m, Map<String, Source> byPath) {
        Source s = byPath.get(m.getPath());
        String text = m.getText() == null ? "" : m.getText().trim().replaceAll("\\s+", " ");
        if (s == null) {
            return new PolicyProblem(PolicyProblem.Severity.ERROR, m.getPath(), null, null, null,
                    m.getLine() > 0 ? m.getLine() : null, text);
        }
        if (!s.generated()) {
            return new PolicyProblem(PolicyProblem.Severity.ERROR, s.file().path(), null, null, null,
                    m.getLine() > 0 ? m.getLine() : null, text);
        }
        Map.Entry<Integer, Integer> row = m.getLine() > 0 ? s.rowByLine().floorEntry(m.getLine()) : null;
        return new PolicyProblem(PolicyProblem.Severity.ERROR, s.file().path(), s.sheet(),
                row == null ? null : row.getValue(), null, null, text);
    }

    private static Source drlSource(PolicyFile file, int index) {
        String drl = new String(file.content(), StandardCharsets.UTF_8);
        Map<String, RuleSource> rules = new HashMap<>();
        String[] lines = drl.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            Matcher m = RULE_DECL.matcher(lines[i]);
            if (m.find()) {
                String name = firstNonNull(m.group(1), m.group(2), m.group(3));
                rules.put(name, RuleSource.drl(file.path(), i + 1));
            }
        }
        return new Source(kiePath(index, file.path(), drl), file, null, drl, false, rules, new TreeMap<>());
    }

    private static java.util.Optional<Source> tableSource(PolicyFile file, String sheet, int index,
                                                          List<PolicyProblem> problems) {
        String drl;
        try (InputStream in = new ByteArrayInputStream(file.content())) {
            SpreadsheetCompiler compiler = new SpreadsheetCompiler();
            drl = sheet == null ? compiler.compile(in, InputType.CSV) : compiler.compile(in, sheet);
        } catch (RuntimeException | IOException e) {
            problems.add(tableProblem(file, sheet, e));
            return java.util.Optional.empty();
        }
        return java.util.Optional.of(generatedSource(file, sheet, drl, index));
    }

    private static Source generatedSource(PolicyFile file, String sheet, String rawDrl, int index) {
        String drl = injectFactModel(rawDrl);
        Map<String, RuleSource> rules = new HashMap<>();
        TreeMap<Integer, Integer> rowByLine = new TreeMap<>();
        String[] lines = drl.split("\n", -1);
        Integer pendingRow = null;
        for (int i = 0; i < lines.length; i++) {
            Matcher at = RULE_VALUES_AT.matcher(lines[i]);
            if (at.find()) {
                pendingRow = Integer.parseInt(at.group(2));
                rowByLine.put(i + 1, pendingRow);
                continue;
            }
            Matcher decl = RULE_DECL.matcher(lines[i]);
            if (decl.find() && pendingRow != null) {
                String name = firstNonNull(decl.group(1), decl.group(2), decl.group(3));
                rules.put(name, RuleSource.table(file.path(), sheet, pendingRow));
            }
        }
        String label = sheet == null ? file.path() : file.path() + "#" + sheet;
        return new Source(kiePath(index, label, drl), file, sheet, drl, true, rules, rowByLine);
    }

    private List<Source> workbookSources(PolicyFile file, int firstIndex, List<PolicyProblem> problems) {
        List<String> ruleSheets = new ArrayList<>();
        try (Workbook wb = WorkbookFactory.create(new ByteArrayInputStream(file.content()))) {
            for (Sheet sheet : wb) {
                if (hasRuleTable(sheet)) {
                    ruleSheets.add(sheet.getSheetName());
                }
            }
        } catch (IOException | RuntimeException e) {
            problems.add(PolicyProblem.error(file.path(), "cannot read the workbook: " + e.getMessage()));
            return List.of();
        }
        if (ruleSheets.isEmpty()) {
            problems.add(PolicyProblem.error(file.path(), "no sheet has a 'RuleTable' cell, so the workbook holds no rules"));
            return List.of();
        }
        List<Source> result = new ArrayList<>();
        for (String sheet : ruleSheets) {
            tableSource(file, sheet, firstIndex + result.size(), problems).ifPresent(result::add);
        }
        return result;
    }

    private static boolean hasRuleTable(Sheet sheet) {
        for (Row row : sheet) {
            for (Cell cell : row) {
                if (cell.getCellType() == CellType.STRING
                        && cell.getStringCellValue().trim().toLowerCase(Locale.ROOT).startsWith("ruletable")) {
                    return true;
                }
            }
        }
        return false;
    }

    private static PolicyProblem tableProblem(PolicyFile file, String sheet, Exception e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getMessage() == null) {
            cause = cause.getCause();
        }
        String message = cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
        Matcher cell = CELL_REF.matcher(message);
        if (cell.find()) {
            return new PolicyProblem(PolicyProblem.Severity.ERROR, file.path(), sheet,
                    Integer.parseInt(cell.group(2)), cell.group(1), null, message);
        }
        return new PolicyProblem(PolicyProblem.Severity.ERROR, file.path(), sheet, null, null, null, message);
    }

    /** Decision tables get the fact model import and the {@code plan} global without writing them. */
    static String injectFactModel(String drl) {
        Matcher pkg = Pattern.compile("(?m)^\\s*package\\s+[^;\\n]+;?\\s*$").matcher(drl);
        if (pkg.find()) {
            return drl.substring(0, pkg.end()) + "\n" + INJECTED + drl.substring(pkg.end());
        }
        return INJECTED + drl;
    }

    private static final Pattern PACKAGE_DECL = Pattern.compile("(?m)^\\s*package\\s+([\\w.]+)");

    /** Where the KieBuilder sees a source: in its package's folder, as Drools expects. */
    private static String kiePath(int index, String label, String drl) {
        Matcher pkg = PACKAGE_DECL.matcher(drl);
        String folder = pkg.find() ? pkg.group(1).replace('.', '/') : "rules";
        String safe = label.replaceAll("[^A-Za-z0-9._-]", "_");
        return RESOURCES + folder + "/" + String.format("%03d", index) + "_" + safe + ".drl";
    }

    private static String firstNonNull(String... values) {
        for (String v : values) {
            if (v != null) {
                return v;
            }
        }
        return null;
    }
}
