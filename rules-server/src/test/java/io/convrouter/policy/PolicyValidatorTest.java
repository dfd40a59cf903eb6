package io.convrouter.policy;

import static io.convrouter.testing.Workbooks.row;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.convrouter.classify.Classification;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.FiredRule;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RoutingInput;
import io.convrouter.classify.Ruleset;
import io.convrouter.testing.Workbooks;

/**
 * Validation as an ops person meets it: every problem at its cell (or DRL line) with a message
 * that says what is wrong and what would be right, all problems in one report; warnings for rows
 * that can never fire or contradict each other; scenario tables run, with expected and actual
 * values, and a failing scenario makes the version invalid. Real workbooks written with POI.
 */
class PolicyValidatorTest {
    private static final String BOOK = "test.drl.xlsx";
    private static PolicyValidator validator;

    @BeforeAll
    static void validator() {
        validator = PolicyFixtures.validator();
    }

    // ---------------------------------------------------------------- a small workbook of our own

    /**
     * Sheet Routing: rows 9 and 10 route by text and tier (spreadsheet columns A-G: name, text
     * mentions, tier, queue, skills, priority, team). Sheet Channels: row 9 tightens the SLA of
     * live-stream comments (columns A-C).
     */
    private static Map<String, List<List<Object>>> sheets() {
        Map<String, List<List<Object>>> sheets = new LinkedHashMap<>();
        sheets.put("Routing", new ArrayList<>(List.of(
                row("RuleSet", "test.validator.routing"),
                row("RULEFLOW-GROUP", "route"),
                row(),
                row("RuleTable Routing by text"),
                row("NAME", "CONDITION", "CONDITION", "ACTION", "ACTION", "ACTION", "ACTION"),
                row(null, "Conversation", "Customer"),
                row(null, "mentions(\"$param\")", "tier == \"$param\"", "plan.setQueue(\"$param\");",
                        "plan.requireSkills(\"$param\");", "plan.raisePriority($param);", "plan.setTeam(\"$param\");"),
                row("Rule", "Text mentions", "Tier", "Queue", "Skills", "Priority at least", "Team"),
                row("Refund requests", "退款, refund", "regular", "after-sales", "refund 3", 50),
                row("VIP complaints", "投诉, complaint", "vip", "complaints", "complaint 4", 80, "senior"))));
        sheets.put("Channels", new ArrayList<>(List.of(
                row("RuleSet", "test.validator.channels"),
                row("RULEFLOW-GROUP", "adjust"),
                row(),
                row("RuleTable Fast channels"),
                row("NAME", "CONDITION", "ACTION"),
                row(null, "Conversation"),
                row(null, "channel == \"$param\"", "plan.tightenSla($param);"),
                row("Rule", "Channel", "SLA at most (s)"),
                row("Live stream fast", "live_stream", 15))));
        return sheets;
    }

    /** Sets one cell, by its spreadsheet reference such as "F9", in a sheet of {@link #sheets()}. */
    private static void put(Map<String, List<List<Object>>> sheets, String sheet, String ref, Object value) {
        int col = ref.charAt(0) - 'A';
        int rowNo = Integer.parseInt(ref.substring(1));
        List<List<Object>> rows = sheets.get(sheet);
        List<Object> r = new ArrayList<>(rows.get(rowNo - 1));
        while (r.size() <= col) {
            r.add(null);
        }
        r.set(col, value);
        rows.set(rowNo - 1, r);
    }

    private static PolicyFile book(Map<String, List<List<Object>>> sheets) {
        return new PolicyFile(BOOK, Workbooks.xlsx(sheets));
    }

    private static ValidationReport report(PolicyFile... files) {
        return validator.validate(List.of(files)).report();
    }

    @Test
    void theUntouchedWorkbookIsValidAndCompiles() {
        PolicyValidator.Outcome outcome = validator.validate(List.of(book(sheets())));
        assertThat(outcome.report().errors()).isEmpty();
        assertThat(outcome.report().warnings()).isEmpty();
        assertThat(outcome.report().valid()).isTrue();
        assertThat(outcome.report().ruleCount()).isEqualTo(3);
        assertThat(outcome.ruleset()).isNotNull();
    }

    @Test
    void theRulesDirectoryIsValidWithoutWarningsAndItsScenariosPass() {
        ValidationReport r = validator.validate(PolicyFixtures.rulesDirectory()).report();
        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.scenarios()).as("scenarios: %s", r.scenarios()).allMatch(ScenarioResult::passed);
        assertThat(r.valid()).isTrue();
    }

    // ---------------------------------------------------------------- one broken cell, reported at it

    @ParameterizedTest(name = "{0}!{1} = ''{2}''")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
            Routing  | F9  | hihg         | 'hihg' is not a priority; use a number 0-100
            Routing  | F10 | 150          | 150 is out of range for a priority; use a number 0-100
            Routing  | D9  | refunds-desk | 'refunds-desk' is not a queue; queues in workbench-config/queues.yaml: [after-sales, billing, bot,
            Routing  | E9  | refnd 3      | 'refnd' is not a skill; skills in workbench-config/skills.yaml: [complaint, general,
            Routing  | E10 | complaint 9  | skill complaint level 9 is above its maximum, 5
            Routing  | G10 | seniors      | 'seniors' is not a team; teams in workbench-config/teams.yaml: [english, marketplace-jd,
            Routing  | C10 | gold         | 'gold' is not a customer tier; tiers in workbench-config/routing.yaml: [vip, regular, new, blacklist]
            Channels | B9  | livestream   | 'livestream' is not a channel; channels in workbench-config/channels.yaml: [app, email, live_stream,
            Channels | C9  | soon         | 'soon' is not an SLA target; use a number of seconds, 1-86400
            """)
    void aBrokenCellIsReportedAtItsCellInPlainWords(String sheet, String cell, String value, String message) {
        Map<String, List<List<Object>>> sheets = sheets();
        put(sheets, sheet, cell, value);

        PolicyValidator.Outcome outcome = validator.validate(List.of(book(sheets)));

        ValidationReport r = outcome.report();
        assertThat(r.valid()).isFalse();
        assertThat(outcome.ruleset()).as("an invalid version has no ruleset to activate").isNull();
        // One problem, in the linter's words: Drools' own error for the same row adds nothing.
        assertThat(r.errors()).as("errors: %s", r.errors()).singleElement().satisfies(e -> {
            assertThat(e.file()).isEqualTo(BOOK);
            assertThat(e.sheet()).isEqualTo(sheet);
            assertThat(e.cell()).isEqualTo(cell);
            assertThat(e.message()).startsWith(message);
            assertThat(e.text()).startsWith("cell " + cell + " on sheet " + sheet + " in " + BOOK + ": " + message);
        });
    }

    @Test
    void anUnknownFactFieldInAConditionIsReportedAtTheCodeCell() {
        Map<String, List<List<Object>>> sheets = sheets();
        put(sheets, "Routing", "C7", "vipLevel == \"$param\"");

        ValidationReport r = report(book(sheets));

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).as("errors: %s", r.errors()).singleElement().satisfies(e -> {
            assertThat(e.cell()).isEqualTo("C7");
            assertThat(e.sheet()).isEqualTo("Routing");
            assertThat(e.message()).startsWith("'vipLevel' is not a field of Customer; its fields: [")
                    .contains("tier").contains("orderCount");
            assertThat(e.message()).as("the internal [header] mark is not shown").doesNotContain("[header]");
        });
    }

    @Test
    void anUnknownFactTypeIsReportedAtTheObjectTypeCell() {
        Map<String, List<List<Object>>> sheets = sheets();
        put(sheets, "Routing", "C6", "Client");

        ValidationReport r = report(book(sheets));

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(ValidationReport.Problem::cell, ValidationReport.Problem::message)
                .contains(tuple("C6", "'Client' is not a fact the rules can see; use one of [BotHandoff, Conversation, Customer, CustomerHistory, Entry, RoutingPlan]"));
    }

    @Test
    void aColumnHeaderDroolsCannotReadIsReportedAtTheHeaderCell() {
        Map<String, List<List<Object>>> sheets = sheets();
        put(sheets, "Routing", "C5", "CONDITON");

        ValidationReport r = report(book(sheets));

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).as("errors: %s", r.errors()).isNotEmpty()
                .allSatisfy(e -> assertThat(e.sheet()).isEqualTo("Routing"));
        assertThat(r.errors().get(0).cell()).isEqualTo("C5");
        assertThat(r.errors().get(0).message())
                .isEqualTo("'CONDITON' is not a column type; use CONDITION, ACTION, NAME or a rule attribute such as PRIORITY");
        assertThat(r.errors()).as("no error elsewhere on the broken sheet repeats it: %s", r.errors()).hasSize(1);
    }

    @Test
    void anActionColumnWithoutCodeSaysWhatToWriteThere() {
        Map<String, List<List<Object>>> sheets = sheets();
        put(sheets, "Channels", "C7", null);

        ValidationReport r = report(book(sheets));

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(ValidationReport.Problem::cell).contains("C7");
        assertThat(r.errors()).filteredOn(e -> "C7".equals(e.cell())).first()
                .satisfies(e -> assertThat(e.message()).contains("this action column has no code").contains("row 7"));
    }

    // ---------------------------------------------------------------- DRL

    private static final String BAD_LITERAL_DRL = """
            package test.validator.bad;
            import io.convrouter.classify.facts.*;
            global RoutingPlan plan;

            rule "Web to a queue that does not exist"
                ruleflow-group "route"
            when
                Conversation( channel == "web" )
            then
                plan.setQueue("after-sale");
                plan.raisePriority(300);
            end
            """;

    private static final String BROKEN_SYNTAX_DRL = """
            package test.validator.syntax;
            import io.convrouter.classify.facts.*;
            global RoutingPlan plan;

            rule "A pattern that is never closed"
                ruleflow-group "route"
            when
                Conversation( channel == "web"
            then
                plan.setQueue("general");
            end
            """;

    @Test
    void aDrlLiteralErrorIsReportedAtItsLine() {
        ValidationReport r = report(new PolicyFile("bad.drl", BAD_LITERAL_DRL.getBytes(StandardCharsets.UTF_8)));

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(ValidationReport.Problem::file, ValidationReport.Problem::line,
                        ValidationReport.Problem::cell)
                .containsExactlyInAnyOrder(tuple("bad.drl", 10, null), tuple("bad.drl", 11, null));
        assertThat(r.errors()).extracting(ValidationReport.Problem::text).anySatisfy(t ->
                assertThat(t).startsWith("line 10 in bad.drl: 'after-sale' is not a queue; queues in workbench-config/queues.yaml:"));
        assertThat(r.errors()).extracting(ValidationReport.Problem::text).anySatisfy(t ->
                assertThat(t).startsWith("line 11 in bad.drl: 300 is out of range for a priority"));
    }

    @Test
    void aDrlSyntaxErrorIsReportedWithItsFileAndLine() {
        ValidationReport r = report(new PolicyFile("syntax.drl", BROKEN_SYNTAX_DRL.getBytes(StandardCharsets.UTF_8)));

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).as("errors: %s", r.errors()).isNotEmpty().allSatisfy(e -> {
            assertThat(e.file()).isEqualTo("syntax.drl");
            assertThat(e.line()).as("line of %s", e).isBetween(8, 9); // the open pattern, or where Drools noticed it
        });
    }

    // ---------------------------------------------------------------- everything at once

    @Test
    void allErrorsComeBackAtOnce() {
        Map<String, List<List<Object>>> sheets = sheets();
        put(sheets, "Routing", "F9", "hihg");
        put(sheets, "Routing", "D10", "complaint-desk");
        put(sheets, "Channels", "B9", "livestream");

        ValidationReport r = report(book(sheets),
                new PolicyFile("bad.drl", BAD_LITERAL_DRL.getBytes(StandardCharsets.UTF_8)),
                new PolicyFile("syntax.drl", BROKEN_SYNTAX_DRL.getBytes(StandardCharsets.UTF_8)));

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(e -> e.file() + "|" + e.sheet() + "|" + (e.cell() != null ? e.cell() : "line " + e.line()))
                .as("errors: %s", r.errors())
                .contains(BOOK + "|Routing|F9", BOOK + "|Routing|D10", BOOK + "|Channels|B9",
                        "bad.drl|null|line 10", "bad.drl|null|line 11");
        assertThat(r.errors()).extracting(ValidationReport.Problem::file).contains("syntax.drl");
    }

    // ---------------------------------------------------------------- warnings

    /** A first-match table (Sequential + ACTIVATION-GROUP): row 12 is shadowed by row 11. */
    private static PolicyFile intentsBook() {
        return new PolicyFile("intents.drl.xlsx", Workbooks.xlsx("Intents", List.of(
                row("RuleSet", "test.validator.intents"),
                row("RULEFLOW-GROUP", "intent"),
                row("Sequential", "true"),
                row("ACTIVATION-GROUP", "intent"),
                row(),
                row("RuleTable Intents"),
                row("NAME", "CONDITION", "ACTION"),
                row(null, "Conversation"),
                row(null, "mentions(\"$param\")", "plan.setIntent(\"$param\");"),
                row("Rule", "Text mentions any of", "Intent"),
                row("Refund", "退款, refund", "refund"),
                row("Deposit refund", "refund deposit, 退款押金", "deposit_refund"),
                row("Shipping", "发货, shipping", "shipping"))));
    }

    @Test
    void aRowThatCanNeverFireInAFirstMatchTableIsAWarning() {
        PolicyValidator.Outcome outcome = validator.validate(List.of(intentsBook()));
        ValidationReport r = outcome.report();

        assertThat(r.errors()).isEmpty();
        assertThat(r.valid()).as("warnings do not block a version").isTrue();
        assertThat(r.warnings()).as("warnings: %s", r.warnings()).singleElement().satisfies(w -> {
            assertThat(w.sheet()).isEqualTo("Intents");
            assertThat(w.row()).isEqualTo(12);
            assertThat(w.cell()).isEqualTo("A12");
            assertThat(w.message()).isEqualTo("row 12 can never fire: every input it matches is matched first by row 11"
                    + " (only the first matching row of this table fires)");
        });
        // And it is true: text for row 12 is taken by row 11.
        Classification c = classify(outcome.ruleset(), "web", "I want a refund deposit back", "regular");
        assertThat(c.plan().intent()).isEqualTo("refund");
        assertThat(c.rulesFired()).extracting(FiredRule::name).containsExactly("Refund");
    }

    /** Rows 9 and 10 match the same customers and set different queues (every matching row fires). */
    private static PolicyFile overlappingBook() {
        return new PolicyFile("tiers.drl.xlsx", Workbooks.xlsx("Customers", List.of(
                row("RuleSet", "test.validator.tiers"),
                row("RULEFLOW-GROUP", "adjust"),
                row(),
                row("RuleTable Tiers"),
                row("NAME", "CONDITION", "ACTION", "ACTION"),
                row(null, "Customer"),
                row(null, "tier == \"$param\"", "plan.setQueue(\"$param\");", "plan.raisePriority($param);"),
                row("Rule", "Tier", "Queue", "Priority at least"),
                row("VIP to the desk", "vip", "vip-desk", 90),
                row("VIP to general", "vip", "general", 90),
                row("New customers", "new", "sales", 30))));
    }

    @Test
    void overlappingRowsThatSetDifferentValuesAreAWarning() {
        PolicyValidator.Outcome outcome = validator.validate(List.of(overlappingBook()));
        ValidationReport r = outcome.report();

        assertThat(r.errors()).isEmpty();
        assertThat(r.valid()).isTrue();
        assertThat(r.warnings()).as("warnings: %s", r.warnings()).singleElement().satisfies(w -> {
            assertThat(w.sheet()).isEqualTo("Customers");
            assertThat(w.cell()).isEqualTo("A10");
            assertThat(w.message()).isEqualTo("rows 9 and 10 both match the same input but set different values "
                    + "('Queue': vip-desk vs general); for such input row 10 wins because it runs later");
        });
        // The warning's claim holds: for a VIP the later row's queue is the one that sticks.
        Classification c = classify(outcome.ruleset(), "web", "hello", "vip");
        assertThat(c.plan().queue()).isEqualTo("general");
    }

    @Test
    void rowsThatOnlyRaiseAPriorityDoNotContradictEachOther() {
        // Row 10 asks for a lower priority than row 9, but raisePriority keeps the higher value
        // whatever the order: no contradiction, so no warning (and no false "row 10 wins").
        PolicyFile agreeing = new PolicyFile("tiers.drl.xlsx", Workbooks.xlsx("Customers", List.of(
                row("RuleSet", "test.validator.tiers"),
                row("RULEFLOW-GROUP", "adjust"),
                row(),
                row("RuleTable Tiers"),
                row("NAME", "CONDITION", "ACTION", "ACTION", "ACTION"),
                row(null, "Customer"),
                row(null, "tier == \"$param\"", "plan.setQueue(\"$param\");", "plan.raisePriority($param);",
                        "plan.tightenSla($param);"),
                row("Rule", "Tier", "Queue", "Priority at least", "SLA at most (s)"),
                row("VIP to the desk", "vip", "vip-desk", 95, 20),
                row("VIPs are urgent", "vip", null, 90, 30))));

        PolicyValidator.Outcome outcome = validator.validate(List.of(agreeing));

        assertThat(outcome.report().valid()).isTrue();
        assertThat(outcome.report().warnings()).isEmpty();
        Classification c = classify(outcome.ruleset(), "web", "hello", "vip");
        assertThat(c.plan().priority()).isEqualTo(95);
        assertThat(c.plan().slaSeconds()).isEqualTo(20);
        assertThat(c.plan().queue()).isEqualTo("vip-desk");
    }

    // ---------------------------------------------------------------- scenarios

    @Test
    void aScenariosSheetRunsAndAFailingScenarioMakesTheReportInvalid() {
        Map<String, List<List<Object>>> sheets = sheets();
        sheets.put("Scenarios", List.of(
                row("Name", "Channel", "Text", "Tier", "Expected queue", "Expected priority", "Expected skills", "Expected rules"),
                row("A refund goes to after-sales", "web", "我要退款", "regular", "after-sales", 50, "refund 3", "Refund requests"),
                row("A refund goes to general (wrong)", "web", "我要退款", "regular", "general", 60, "refund 3", null),
                row("A live-stream comment", "live_stream", "hi", "regular", "general", null, null, "Live stream fast")));

        PolicyValidator.Outcome outcome = validator.validate(List.of(book(sheets)));
        ValidationReport r = outcome.report();

        assertThat(r.errors()).isEmpty();
        assertThat(r.scenariosRun()).isEqualTo(3);
        assertThat(r.scenariosFailed()).isEqualTo(1);
        assertThat(r.valid()).as("a failing scenario makes the version invalid").isFalse();
        assertThat(r.scenarios()).filteredOn(ScenarioResult::passed).extracting(ScenarioResult::name)
                .containsExactly("A refund goes to after-sales", "A live-stream comment");
        ScenarioResult passed = r.scenarios().get(0);
        assertThat(passed.rulesFired()).containsExactly("Refund requests");
        ScenarioResult failed = r.scenarios().get(1);
        assertThat(failed.passed()).isFalse();
        assertThat(failed.file()).isEqualTo(BOOK);
        assertThat(failed.sheet()).isEqualTo("Scenarios");
        assertThat(failed.row()).isEqualTo(3);
        assertThat(failed.mismatches()).extracting(ScenarioResult.Mismatch::field, ScenarioResult.Mismatch::expected,
                        ScenarioResult.Mismatch::actual)
                .containsExactlyInAnyOrder(tuple("queue", "general", "after-sales"), tuple("priority", "60", "50"));
    }

    private static final String SCENARIOS_CSV = """
            Name,Channel,Text,Tier,Expected intent,Expected queue,Expected priority,Expected skills,Expected bot first,Expected rules
            A refund,web,我要退款,regular,refund,after-sales,50,refund 3,false,"Refund, Refunds"
            A VIP refund,web,我要退款,vip,refund,vip-desk,90,refund 3,no,VIP to the dedicated desk
            """;

    @Test
    void aScenariosCsvWithPassingScenariosKeepsTheVersionValid() {
        List<PolicyFile> files = PolicyFixtures.concat(PolicyFixtures.defaultFiles(),
                new PolicyFile("expectations.scenarios.csv", SCENARIOS_CSV.getBytes(StandardCharsets.UTF_8)));

        ValidationReport r = validator.validate(files).report();

        assertThat(r.errors()).isEmpty();
        assertThat(r.scenariosRun()).isEqualTo(2);
        assertThat(r.scenarios()).as("scenarios: %s", r.scenarios()).allMatch(ScenarioResult::passed);
        assertThat(r.scenariosFailed()).isZero();
        assertThat(r.valid()).isTrue();
    }

    @Test
    void aScenariosCsvListsEachFailingScenarioWithExpectedAndActualValues() {
        String csv = SCENARIOS_CSV + "A blacklisted refund,web,我要退款,blacklist,refund,after-sales,50,refund 3,false,\n";
        List<PolicyFile> files = PolicyFixtures.concat(PolicyFixtures.defaultFiles(),
                new PolicyFile("expectations.scenarios.csv", csv.getBytes(StandardCharsets.UTF_8)));

        ValidationReport r = validator.validate(files).report();

        assertThat(r.errors()).isEmpty();
        assertThat(r.scenariosRun()).isEqualTo(3);
        assertThat(r.scenariosFailed()).isEqualTo(1);
        assertThat(r.valid()).isFalse();
        ScenarioResult failed = r.scenarios().stream().filter(s -> !s.passed()).findFirst().orElseThrow();
        assertThat(failed.name()).isEqualTo("A blacklisted refund");
        assertThat(failed.file()).isEqualTo("expectations.scenarios.csv");
        assertThat(failed.sheet()).isNull();
        assertThat(failed.row()).isEqualTo(4);
        assertThat(failed.mismatches()).extracting(ScenarioResult.Mismatch::field, ScenarioResult.Mismatch::expected,
                        ScenarioResult.Mismatch::actual)
                .containsExactlyInAnyOrder(tuple("queue", "after-sales", "bot"), tuple("priority", "50", "0"),
                        tuple("skills", "refund 3", ""), tuple("botFirst", "false", "true"));
        assertThat(failed.rulesFired()).contains("Blacklisted customers to the bot");
    }

    @Test
    void anUnknownScenarioColumnIsReportedAtItsHeaderCell() {
        String csv = "Name,Channel,Text,Expected colour\nX,web,hi,blue\n";
        List<PolicyFile> files = PolicyFixtures.concat(PolicyFixtures.defaultFiles(),
                new PolicyFile("typo.scenarios.csv", csv.getBytes(StandardCharsets.UTF_8)));

        ValidationReport r = validator.validate(files).report();

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).singleElement().satisfies(e -> {
            assertThat(e.cell()).isEqualTo("D1");
            assertThat(e.text()).startsWith("cell D1 in typo.scenarios.csv: 'Expected colour' is not a scenario column;");
        });
    }

    @Test
    void scenariosDoNotRunWhenTheRulesDoNotCompile() {
        Map<String, List<List<Object>>> sheets = sheets();
        put(sheets, "Routing", "F9", "hihg");
        sheets.put("Scenarios", List.of(
                row("Name", "Text", "Expected queue"),
                row("A refund", "我要退款", "after-sales")));

        ValidationReport r = report(book(sheets));

        assertThat(r.valid()).isFalse();
        assertThat(r.errors()).extracting(ValidationReport.Problem::cell).containsExactly("F9");
        assertThat(r.scenariosRun()).isZero();
    }

    private static Classification classify(Ruleset ruleset, String channel, String text, String tier) {
        return new RoutingInput("c-1", channel, text, null, "cust-1", tier, false, null, 0, Set.of(), null, null, null,
                Map.of()).classify(new Classifier(), ruleset, PolicyFixtures.defaults());
    }
}
