package io.convrouter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.convrouter.classify.Classification;
import io.convrouter.classify.Classifier;
import io.convrouter.classify.FiredRule;
import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RoutingInput;

/**
 * Workbooks as LibreOffice Calc saves them (checked into src/test/resources/policies/libreoffice,
 * see the README there): the valid one validates, runs its Scenarios sheet and routes; the broken
 * one is reported at its cells. Only the committed files are read, so this runs without LibreOffice.
 */
class PolicyLibreOfficeTest {
    private static final String DIR = "/policies/libreoffice/";

    private static byte[] resource(String path) {
        try (InputStream in = PolicyLibreOfficeTest.class.getResourceAsStream(DIR + path)) {
            assertThat(in).as("test resource %s", DIR + path).isNotNull();
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The LibreOffice workbook with the DRL and CSV that were next to it. */
    private static List<PolicyFile> ruleset(String workbook) {
        return List.of(new PolicyFile("routing.drl.xlsx", resource(workbook)),
                new PolicyFile("marketplace.drl.csv", resource("marketplace.drl.csv")),
                new PolicyFile("guards.drl", resource("guards.drl")));
    }

    @ParameterizedTest
    @ValueSource(strings = {"routing.drl.xlsx", "broken/routing.drl.xlsx"})
    void theFixturesAreReallySavedByLibreOffice(String workbook) throws IOException {
        String app = null;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(resource(workbook)))) {
            for (ZipEntry e; (e = zip.getNextEntry()) != null; ) {
                if (e.getName().equals("docProps/app.xml")) {
                    app = new String(zip.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }
        assertThat(app).as("docProps/app.xml of %s", workbook).isNotNull().contains("<Application>LibreOffice");
    }

    @Test
    void theLibreOfficeWorkbookValidatesAndItsScenariosSheetPasses() {
        PolicyValidator.Outcome outcome = PolicyFixtures.validator().validate(ruleset("routing.drl.xlsx"));
        ValidationReport r = outcome.report();

        assertThat(r.errors()).isEmpty();
        assertThat(r.warnings()).isEmpty();
        assertThat(r.scenariosRun()).isEqualTo(6);
        assertThat(r.scenarios()).as("scenarios: %s", r.scenarios()).allMatch(ScenarioResult::passed);
        assertThat(r.scenarios()).extracting(ScenarioResult::sheet).containsOnly("Scenarios");
        assertThat(r.scenarios()).extracting(ScenarioResult::row).containsExactly(2, 3, 4, 5, 6, 7);
        assertThat(r.valid()).isTrue();
        assertThat(outcome.ruleset()).isNotNull();
        // Every row of the four rule sheets became a rule (7 intents, 7 routes, 3 customer rows,
        // 4 channel rows), plus 3 marketplace rows and 4 DRL rules.
        assertThat(r.ruleCount()).isEqualTo(28);
    }

    @Test
    void theLibreOfficeWorkbookRoutesAndPointsAtItsRows() {
        var ruleset = PolicyFixtures.validator().validate(ruleset("routing.drl.xlsx")).ruleset();

        Classification c = new RoutingInput("c-1", "web", "我要退款，订单一直没发货", "zh", "cust-1", "regular", false, null,
                0, Set.of(), null, null, null, Map.of()).classify(new Classifier(), ruleset, PolicyFixtures.defaults());

        assertThat(c.plan().queue()).isEqualTo("after-sales");
        assertThat(c.plan().priority()).isEqualTo(50);
        assertThat(c.plan().requiredSkills()).containsExactly(Map.entry("refund", 3));
        assertThat(c.rulesFired()).extracting(FiredRule::name, FiredRule::source, FiredRule::sheet, FiredRule::row)
                .containsExactly(tuple("Refund", "routing.drl.xlsx", "Intents", 14),
                        tuple("Refunds", "routing.drl.xlsx", "Routing", 12));
    }

    @Test
    void theBrokenLibreOfficeWorkbookIsReportedAtItsCells() {
        PolicyValidator.Outcome outcome = PolicyFixtures.validator().validate(ruleset("broken/routing.drl.xlsx"));
        ValidationReport r = outcome.report();

        assertThat(r.valid()).isFalse();
        assertThat(outcome.ruleset()).isNull();
        assertThat(r.errors()).as("errors: %s", r.errors())
                .extracting(ValidationReport.Problem::sheet, ValidationReport.Problem::cell)
                .containsExactlyInAnyOrder(tuple("Routing", "E12"), tuple("Routing", "C13"), tuple("Customers", "B13"));
        assertThat(r.errors()).extracting(ValidationReport.Problem::text).anySatisfy(t -> assertThat(t)
                        .isEqualTo("cell E12 on sheet Routing in routing.drl.xlsx: 'hihg' is not a priority; use a number 0-100"))
                .anySatisfy(t -> assertThat(t).startsWith("cell C13 on sheet Routing in routing.drl.xlsx: 'logistic' is not a queue;"))
                .anySatisfy(t -> assertThat(t).startsWith("cell B13 on sheet Customers in routing.drl.xlsx: 'gold' is not a customer tier;"));
    }
}
