package io.convrouter.reports;

import java.time.Instant;
import java.util.List;

/**
 * How often each rule fired in [from, to), over the classifications made then (routing and bot
 * handoffs), and which rules of a ruleset version (the active one unless asked) never fired.
 * {@code rules} lists every rule of that version (with 0 hits when it never fired) and any rule
 * of another version that fired in the range ({@code inRuleset} false), most hits first.
 */
public record RuleReport(Instant from, Instant to, String rulesetVersion, Instant generatedAt, long classifications,
                         List<Rule> rules, List<Rule> neverFired, KpiReport.Scanned scanned) {

    /** A rule, where it lives, and how often it fired; {@code share} of the classifications. */
    public record Rule(String name, String stage, String source, String sheet, Integer row, Integer line, long hits,
                       Double share, boolean inRuleset) {}
}
