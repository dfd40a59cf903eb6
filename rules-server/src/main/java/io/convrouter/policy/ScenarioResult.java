package io.convrouter.policy;

import java.util.List;

/** The outcome of one scenario: passed, or each expected value with what the rules produced instead. */
public record ScenarioResult(String name, String file, String sheet, int row, boolean passed,
                             List<Mismatch> mismatches, List<String> rulesFired) {

    public record Mismatch(String field, String expected, String actual) {}
}
