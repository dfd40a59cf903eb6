package io.convrouter.classify;

/**
 * A problem in a policy file, located as precisely as the file type allows: sheet, row and
 * column (as Excel shows them) for a decision table; line for DRL.
 */
public record PolicyProblem(Severity severity, String file, String sheet, Integer row, String column,
                            Integer line, String message) {

    public enum Severity { ERROR, WARNING }

    public static PolicyProblem error(String file, String message) {
        return new PolicyProblem(Severity.ERROR, file, null, null, null, null, message);
    }

    public String location() {
        StringBuilder sb = new StringBuilder(file == null ? "(ruleset)" : file);
        if (sheet != null) sb.append(", sheet ").append(sheet);
        if (column != null && row != null) sb.append(", cell ").append(column).append(row);
        else if (row != null) sb.append(", row ").append(row);
        if (line != null) sb.append(", line ").append(line);
        return sb.toString();
    }

    @Override
    public String toString() {
        return severity + " " + location() + ": " + message;
    }
}
