package io.convrouter.classify;

/**
 * Where a rule lives, so a decision can point ops at it: the file, and for a decision table
 * the sheet and the spreadsheet row (1-based, as Excel shows it); for DRL the line.
 */
public record RuleSource(String file, String sheet, Integer row, Integer line) {

    public static RuleSource drl(String file, int line) {
        return new RuleSource(file, null, null, line);
    }

    public static RuleSource table(String file, String sheet, int row) {
        return new RuleSource(file, sheet, row, null);
    }

    @Override
    public String toString() {
        if (row != null) {
            return file + (sheet == null ? "" : " sheet " + sheet) + " row " + row;
        }
        return file + (line == null ? "" : " line " + line);
    }
}
