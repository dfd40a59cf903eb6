package io.convrouter.classify;

import static io.convrouter.testing.Workbooks.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.testing.Workbooks;

/**
 * Building a ruleset from policy files: what ops see when a file is wrong (every problem, each
 * pointing at the file and the sheet and row, or line, to fix), and how a ruleset is versioned.
 */
class RulesetCompilerTest {

    private static final Instant NOW = Instant.parse("2025-11-11T08:00:00Z");
    private final RulesetCompiler compiler = new RulesetCompiler(Clock.fixed(NOW, ZoneOffset.UTC));

    // ---------------------------------------------------------------- policy file fixtures

    /** A valid DRL file: one rule per stage. The rule declarations are on lines 5, 12, 19, 26. */
    private static final String GOOD_DRL = """
            package test.good;
            import io.convrouter.classify.facts.*;
            global RoutingPlan plan;

            rule "Refund keyword"
                ruleflow-group "intent"
            when
                Conversation( mentions("refund") )
            then
                plan.setIntent("refund");
            end
            rule "Refunds to after-sales"
                ruleflow-group "route"
            when
                RoutingPlan( intent == "refund" )
            then
                plan.setQueue("after-sales");
            end
            rule "VIP priority"
                ruleflow-group "adjust"
            when
                Customer( tier == "vip" )
            then
                plan.raisePriority(90);
            end
            rule "Blacklist to bot"
                ruleflow-group "guard"
            when
                Customer( tier == "blacklist" )
            then
                plan.setBotFirst(true);
            end
            """;

    /** A syntax error on line 8: the constraint has no right-hand side. */
    private static final String BROKEN_DRL = """
            package test.broken;
            import io.convrouter.classify.facts.*;
            global RoutingPlan plan;

            rule "Half-written rule"
                ruleflow-group "route"
            when
                RoutingPlan( intent == )
            then
                plan.setQueue("after-sales");
            end
            """;

    /**
     * A decision table in the route stage; the header block takes rows 1-8, so the data rows
     * are spreadsheet rows 9, 10 and 11.
     */
    private static List<List<Object>> priorityTable(String conditionCode, Object refund, Object shipping, Object price) {
        return List.of(
                row("RuleSet", "test.tables"),                                        // 1
                row("RULEFLOW-GROUP", "route"),                                       // 2
                row(),                                                                // 3
                row("RuleTable Priorities"),                                          // 4
                row("NAME", "CONDITION", "ACTION"),                                   // 5
                row(null, "RoutingPlan"),                                             // 6
                row(null, conditionCode, "plan.raisePriority($param);"),              // 7
                row("Rule", "Intent", "Priority at least"),                           // 8
                row("Refunds", refund, 50),                                           // 9
                row("Shipping", shipping, 40),                                        // 10
                row("Price", price, 30));                                             // 11
    }

    private static List<List<Object>> priorityTable() {
        return priorityTable("intent == \"$param\"", "refund", "shipping", "price");
    }

    /** The same table with one non-numeric priority, in spreadsheet row {@code badRow} (9-11). */
    private static List<List<Object>> priorityTableWithBadPriority(int badRow) {
        List<List<Object>> rows = new ArrayList<>(priorityTable());
        List<Object> bad = new ArrayList<>(rows.get(badRow - 1));
        bad.set(2, "high");
        rows.set(badRow - 1, bad);
        return rows;
    }

    /** A CSV decision table in the adjust stage; its data rows are lines 9 and 10 of the file. */
    private static String channelCsv(String webPriority, String appPriority) {
        return "RuleSet,test.csv\n"                                                      // 1
                + "RULEFLOW-GROUP,adjust\n"                                              // 2
                + "\n"                                                                   // 3
                + "RuleTable Channel priority\n"                                         // 4
                + "NAME,CONDITION,ACTION\n"                                              // 5
                + ",Conversation,\n"                                                     // 6
                + ",\"channel == \"\"$param\"\"\",plan.raisePriority($param);\n"         // 7
                + "Rule,Channel,Priority at least\n"                                     // 8
                + "Web,web," + webPriority + "\n"                                        // 9
                + "App,app," + appPriority + "\n";                                       // 10
    }

    private static PolicyFile drl(String path, String text) {
        return new PolicyFile(path, text.getBytes(StandardCharsets.UTF_8));
    }

    private static PolicyFile xlsx(String path, String sheet, List<List<Object>> rows) {
        return new PolicyFile(path, Workbooks.xlsx(sheet, rows));
    }

    private List<PolicyProblem> problemsOf(PolicyFile... files) {
        RulesetCompilationException e = catchThrowableOfType(RulesetCompilationException.class,
                () -> compiler.compile(List.of(files)));
        assertThat(e).as("the ruleset should not compile").isNotNull();
        assertThat(e.problems()).isNotEmpty().allSatisfy(p -> assertThat(p.severity()).isEqualTo(PolicyProblem.Severity.ERROR));
        return e.problems();
    }

    // ---------------------------------------------------------------- a good ruleset

    @Test
    void aGoodRulesetCompilesAndKnowsWhereEachRuleLives() {
        Ruleset ruleset = compiler.compile(List.of(
                drl("good.drl", GOOD_DRL),
                xlsx("tables/priorities.drl.xlsx", "Priorities", priorityTable()),
                drl("channels.drl.csv", channelCsv("10", "20"))));

        assertThat(ruleset.compiledAt()).isEqualTo(NOW);
        assertThat(ruleset.files()).containsExactly("channels.drl.csv", "good.drl", "tables/priorities.drl.xlsx");
        assertThat(ruleset.ruleCount()).isEqualTo(9);
        assertThat(ruleset.rules().values())
                .extracting(RuleSource::file, RuleSource::sheet, RuleSource::row, RuleSource::line)
                .containsExactlyInAnyOrder(
                        tuple("good.drl", null, null, 5), tuple("good.drl", null, null, 12),
                        tuple("good.drl", null, null, 19), tuple("good.drl", null, null, 26),
                        tuple("tables/priorities.drl.xlsx", "Priorities", 9, null),
                        tuple("tables/priorities.drl.xlsx", "Priorities", 10, null),
                        tuple("tables/priorities.drl.xlsx", "Priorities", 11, null),
                        tuple("channels.drl.csv", null, 9, null),
                        tuple("channels.drl.csv", null, 10, null));
        assertThat(ruleset.sourceOf("test.good", "Refunds to after-sales")).isEqualTo(RuleSource.drl("good.drl", 12));
        assertThat(ruleset.sourceOf("test.tables", "Shipping"))
                .isEqualTo(RuleSource.table("tables/priorities.drl.xlsx", "Priorities", 10));
    }

    // ---------------------------------------------------------------- where errors are reported

    @Test
    void aDrlSyntaxErrorIsReportedWithItsFileAndLine() {
        List<PolicyProblem> problems = problemsOf(drl("good.drl", GOOD_DRL), drl("rules/broken.drl", BROKEN_DRL));

        assertThat(problems).anySatisfy(p -> {
            assertThat(p.file()).isEqualTo("rules/broken.drl");
            assertThat(p.line()).isEqualTo(8);
            assertThat(p.sheet()).isNull();
            assertThat(p.row()).isNull();
            assertThat(p.location()).isEqualTo("rules/broken.drl, line 8");
            assertThat(p.message()).isNotBlank();
        });
        assertThat(problems).extracting(PolicyProblem::file).containsOnly("rules/broken.drl");
    }

    @Test
    void aNonNumericPriorityCellIsReportedWithFileSheetAndSpreadsheetRow() {
        List<PolicyProblem> problems = problemsOf(
                xlsx("routing.drl.xlsx", "Priorities", priorityTableWithBadPriority(10)));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("routing.drl.xlsx");
            assertThat(p.sheet()).isEqualTo("Priorities");
            assertThat(p.row()).isEqualTo(10);
            assertThat(p.line()).as("a generated-DRL line means nothing to ops").isNull();
            assertThat(p.message()).contains("high");
            assertThat(p.location()).startsWith("routing.drl.xlsx, sheet Priorities").contains("10");
        });
    }

    @Test
    void theBadRowIsReportedWhereverItIsInTheTable() {
        for (int badRow : List.of(9, 11)) {
            List<PolicyProblem> problems = problemsOf(
                    xlsx("routing.drl.xlsx", "Priorities", priorityTableWithBadPriority(badRow)));

            assertThat(problems).as("bad priority in row " + badRow)
                    .extracting(PolicyProblem::file, PolicyProblem::sheet, PolicyProblem::row)
                    .containsExactly(tuple("routing.drl.xlsx", "Priorities", badRow));
        }
    }

    @Test
    void anUnknownFactFieldInACellIsReportedWithFileSheetAndRow() {
        // The condition column takes whole constraints; row 10 misspells the field.
        List<PolicyProblem> problems = problemsOf(xlsx("routing.drl.xlsx", "Priorities",
                priorityTable("$param", "slaSeconds > 60", "slaSecnds > 30", "priority < 50")));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("routing.drl.xlsx");
            assertThat(p.sheet()).isEqualTo("Priorities");
            assertThat(p.row()).isEqualTo(10);
            assertThat(p.message()).contains("slaSecnds");
        });
    }

    @Test
    void anUnknownFactFieldInTheColumnTemplateIsReportedOnEveryRowThatUsesIt() {
        List<PolicyProblem> problems = problemsOf(xlsx("routing.drl.xlsx", "Priorities",
                priorityTable("intnet == \"$param\"", "refund", "shipping", "price")));

        assertThat(problems)
                .extracting(PolicyProblem::file, PolicyProblem::sheet, PolicyProblem::row)
                .containsExactlyInAnyOrder(
                        tuple("routing.drl.xlsx", "Priorities", 9),
                        tuple("routing.drl.xlsx", "Priorities", 10),
                        tuple("routing.drl.xlsx", "Priorities", 11));
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("intnet"));
    }

    @Test
    void eachSheetOfAWorkbookIsLocatedSeparately() {
        Map<String, List<List<Object>>> sheets = new LinkedHashMap<>();
        sheets.put("Good", priorityTable());
        sheets.put("Bad", priorityTableWithBadPriority(11));
        // Different packages, so the two sheets' rule names do not clash.
        List<List<Object>> bad = new ArrayList<>(sheets.get("Bad"));
        bad.set(0, row("RuleSet", "test.tables.bad"));
        sheets.put("Bad", bad);

        List<PolicyProblem> problems = problemsOf(new PolicyFile("routing.drl.xlsx", Workbooks.xlsx(sheets)));

        assertThat(problems).extracting(PolicyProblem::file, PolicyProblem::sheet, PolicyProblem::row)
                .containsExactly(tuple("routing.drl.xlsx", "Bad", 11));
    }

    @Test
    void aCsvTableErrorIsReportedWithFileAndRow() {
        List<PolicyProblem> problems = problemsOf(drl("channels.drl.csv", channelCsv("10", "lots")));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("channels.drl.csv");
            assertThat(p.sheet()).isNull();
            assertThat(p.row()).isEqualTo(10);
            assertThat(p.line()).isNull();
            assertThat(p.message()).contains("lots");
        });
    }

    // ---------------------------------------------------------------- stages

    @Test
    void aDrlRuleWithNoRuleflowGroupIsRejectedNamingTheRuleAndTheStages() {
        String noGroup = """
                package test.nogroup;
                import io.convrouter.classify.facts.*;
                global RoutingPlan plan;

                rule "Floating rule"
                when
                    Customer( tier == "vip" )
                then
                    plan.raisePriority(90);
                end
                """;

        List<PolicyProblem> problems = problemsOf(drl("good.drl", GOOD_DRL), drl("floating.drl", noGroup));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("floating.drl");
            assertThat(p.line()).isEqualTo(5);
            assertThat(p.message()).contains("Floating rule")
                    .contains("intent").contains("route").contains("adjust").contains("guard");
        });
    }

    @Test
    void aDrlRuleInAnUnknownGroupIsRejected() {
        String typo = GOOD_DRL.replace("ruleflow-group \"adjust\"", "ruleflow-group \"adjustment\"");

        List<PolicyProblem> problems = problemsOf(drl("good.drl", typo));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.location()).isEqualTo("good.drl, line 19");
            assertThat(p.message()).contains("VIP priority").contains("adjustment")
                    .contains("intent").contains("route").contains("adjust").contains("guard");
        });
    }

    @Test
    void aDecisionTableWithNoRuleflowGroupIsRejectedOnEveryRowWithTheSheet() {
        List<List<Object>> rows = new ArrayList<>(priorityTable());
        rows.set(1, row());   // drop the RULEFLOW-GROUP row

        List<PolicyProblem> problems = problemsOf(xlsx("routing.drl.xlsx", "Priorities", rows));

        assertThat(problems).extracting(PolicyProblem::file, PolicyProblem::sheet, PolicyProblem::row)
                .containsExactlyInAnyOrder(
                        tuple("routing.drl.xlsx", "Priorities", 9),
                        tuple("routing.drl.xlsx", "Priorities", 10),
                        tuple("routing.drl.xlsx", "Priorities", 11));
        assertThat(problems).allSatisfy(p -> assertThat(p.message()).contains("RULEFLOW-GROUP")
                .contains("intent").contains("route").contains("adjust").contains("guard"));
        assertThat(problems).extracting(PolicyProblem::message)
                .anySatisfy(m -> assertThat(m).contains("Shipping"));
    }

    // ---------------------------------------------------------------- all at once

    @Test
    void everyCompileErrorInEveryFileComesBackAtOnce() {
        Map<String, List<List<Object>>> sheets = new LinkedHashMap<>();
        sheets.put("Priorities", priorityTableWithBadPriority(9));
        List<List<Object>> second = new ArrayList<>(priorityTableWithBadPriority(11));
        second.set(0, row("RuleSet", "test.tables.second"));
        sheets.put("More priorities", second);

        List<PolicyProblem> problems = problemsOf(
                drl("a/broken.drl", BROKEN_DRL),
                drl("b/broken.drl", BROKEN_DRL.replace("test.broken", "test.broken2").replace("\n\nrule", "\n\n\nrule")),
                new PolicyFile("routing.drl.xlsx", Workbooks.xlsx(sheets)),
                drl("channels.drl.csv", channelCsv("much", "20")),
                drl("good.drl", GOOD_DRL));

        assertThat(problems)
                .extracting(PolicyProblem::file, PolicyProblem::sheet, PolicyProblem::row, PolicyProblem::line)
                .contains(
                        tuple("a/broken.drl", null, null, 8),
                        tuple("b/broken.drl", null, null, 9),
                        tuple("routing.drl.xlsx", "Priorities", 9, null),
                        tuple("routing.drl.xlsx", "More priorities", 11, null),
                        tuple("channels.drl.csv", null, 9, null));
        assertThat(problems).extracting(PolicyProblem::file).doesNotContain("good.drl");
    }

    @Test
    void workbookProblemsAreReportedTogetherWithCompileErrorsInOtherFiles() {
        // A workbook that cannot be turned into rules at all must not hide the other files' errors:
        // ops should be able to fix everything in one round.
        List<PolicyProblem> problems = problemsOf(
                xlsx("notes.drl.xlsx", "Notes", List.of(row("Just notes, no table"))),
                new PolicyFile("corrupt.drl.xlsx", "not a workbook".getBytes(StandardCharsets.UTF_8)),
                drl("rules/broken.drl", BROKEN_DRL),
                drl("channels.drl.csv", channelCsv("10", "lots")));

        assertThat(problems).extracting(PolicyProblem::file)
                .contains("notes.drl.xlsx", "corrupt.drl.xlsx", "rules/broken.drl", "channels.drl.csv");
        assertThat(problems).extracting(PolicyProblem::file, PolicyProblem::row, PolicyProblem::line)
                .contains(tuple("rules/broken.drl", null, 8), tuple("channels.drl.csv", 10, null));
    }

    // ---------------------------------------------------------------- files that are not rules

    @Test
    void aWorkbookWithNoRuleTableIsRejected() {
        Map<String, List<List<Object>>> sheets = new LinkedHashMap<>();
        sheets.put("Readme", List.of(row("Routing policies"), row("Owner", "ops@example.com")));
        sheets.put("Draft", List.of(row("Rule", "Intent", "Queue"), row("Refunds", "refund", "after-sales")));

        List<PolicyProblem> problems = problemsOf(new PolicyFile("draft.drl.xlsx", Workbooks.xlsx(sheets)));

        assertThat(problems).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo("draft.drl.xlsx");
            assertThat(p.message()).contains("RuleTable");
        });
    }

    @Test
    void aFileThatIsNotAWorkbookIsRejectedNamingIt() {
        List<PolicyProblem> problems = problemsOf(new PolicyFile("routing.drl.xlsx",
                "this is not a spreadsheet".getBytes(StandardCharsets.UTF_8)));

        assertThat(problems).singleElement().extracting(PolicyProblem::file).isEqualTo("routing.drl.xlsx");
    }

    @Test
    void noPolicyFilesAtAllIsAnError() {
        assertThatThrownBy(() -> compiler.compile(List.of(drl("README.md", "# rules"))))
                .isInstanceOf(RulesetCompilationException.class)
                .hasMessageContaining("no policy files");
    }

    @Test
    void nonPolicyFilesAreIgnored() {
        PolicyFile rules = drl("good.drl", GOOD_DRL);
        Ruleset alone = compiler.compile(List.of(rules));
        Ruleset withOthers = compiler.compile(List.of(rules,
                drl("README.md", "# how to edit the routing policies"),
                drl("notes.txt", "rule \"not a rule\" when then end"),
                new PolicyFile("draft.xlsx", "not even a workbook".getBytes(StandardCharsets.UTF_8)),
                drl("old.drl.bak", BROKEN_DRL),
                drl("routing.csv", "garbage,,,")));

        assertThat(withOthers.files()).containsExactly("good.drl");
        assertThat(withOthers.ruleCount()).isEqualTo(alone.ruleCount());
        assertThat(withOthers.version()).isEqualTo(alone.version());
    }

    // ---------------------------------------------------------------- versions

    @Test
    void theVersionIsAContentHashOfThePolicyFiles() {
        byte[] workbook = Workbooks.xlsx("Priorities", priorityTable());
        List<PolicyFile> files = List.of(drl("good.drl", GOOD_DRL), new PolicyFile("routing.drl.xlsx", workbook));

        Ruleset first = compiler.compile(files);
        Ruleset again = new RulesetCompiler(Clock.fixed(NOW.plusSeconds(3600), ZoneOffset.UTC))
                .compile(List.of(new PolicyFile("routing.drl.xlsx", workbook.clone()), drl("good.drl", GOOD_DRL)));

        assertThat(first.version()).isNotBlank().isEqualTo(RulesetCompiler.versionOf(files));
        assertThat(again.version()).as("same files, other order, other time").isEqualTo(first.version());
    }

    @Test
    void changingOneByteOrOneNameChangesTheVersion() {
        byte[] workbook = Workbooks.xlsx("Priorities", priorityTable());
        String version = compiler.compile(List.of(drl("good.drl", GOOD_DRL),
                new PolicyFile("routing.drl.xlsx", workbook))).version();

        byte[] oneByteChanged = GOOD_DRL.replace("raisePriority(90)", "raisePriority(91)").getBytes(StandardCharsets.UTF_8);
        assertThat(compiler.compile(List.of(new PolicyFile("good.drl", oneByteChanged),
                new PolicyFile("routing.drl.xlsx", workbook))).version())
                .as("one byte of the DRL changed").isNotEqualTo(version);

        byte[] otherWorkbook = Workbooks.xlsx("Priorities",
                priorityTable("intent == \"$param\"", "refund", "shipping", "invoice"));
        assertThat(compiler.compile(List.of(drl("good.drl", GOOD_DRL),
                new PolicyFile("routing.drl.xlsx", otherWorkbook))).version())
                .as("one cell of the workbook changed").isNotEqualTo(version);

        assertThat(compiler.compile(List.of(drl("renamed.drl", GOOD_DRL),
                new PolicyFile("routing.drl.xlsx", workbook))).version())
                .as("a file renamed").isNotEqualTo(version);

        assertThat(compiler.compile(List.of(drl("good.drl", GOOD_DRL))).version())
                .as("a file removed").isNotEqualTo(version);
    }
}
