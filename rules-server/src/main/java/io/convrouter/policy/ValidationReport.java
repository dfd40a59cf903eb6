package io.convrouter.policy;

import java.util.List;

import io.convrouter.classify.PolicyProblem;

/**
 * Everything validation found about a set of policy files: errors (it cannot be activated),
 * warnings (it can, but look), and each scenario's result.
 */
public record ValidationReport(String version, boolean valid, int ruleCount, List<Problem> errors,
                               List<Problem> warnings, int scenariosRun, int scenariosFailed,
                               List<ScenarioResult> scenarios) {

    /** A problem as an ops person reads it: where, and what to do. */
    public record Problem(String file, String sheet, String cell, Integer row, String column, Integer line,
                          String message, String text) {
        static Problem of(PolicyProblem raw) {
            PolicyProblem p = raw.message().startsWith("[header] ") ? new PolicyProblem(raw.severity(), raw.file(),
                    raw.sheet(), raw.row(), raw.column(), raw.line(), raw.message().substring("[header] ".length())) : raw;
            String cell = p.column() != null && p.row() != null ? p.column() + p.row() : null;
            StringBuilder where = new StringBuilder();
            if (cell != null) where.append("cell ").append(cell);
            else if (p.row() != null) where.append("row ").append(p.row());
            else if (p.line() != null) where.append("line ").append(p.line());
            if (p.sheet() != null) where.append(where.isEmpty() ? "" : " ").append("on sheet ").append(p.sheet());
            if (p.file() != null) where.append(where.isEmpty() ? "" : " ").append("in ").append(p.file());
            return new Problem(p.file(), p.sheet(), cell, p.row(), p.column(), p.line(), p.message(),
                    where.isEmpty() ? p.message() : where + ": " + p.message());
        }
    }
}
