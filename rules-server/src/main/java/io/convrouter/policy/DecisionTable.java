package io.convrouter.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The structure of the decision tables on one sheet, read the way Drools reads it: the RuleSet
 * settings above the first table, then each "RuleTable" block with its header row (CONDITION,
 * ACTION, NAME...), object-type row, code row, label row and data rows up to the first empty row.
 * Used to check cells before compiling and to point problems at cells.
 */
public record DecisionTable(SheetGrid grid, String name, int tableRow, int firstColumn,
                            List<Column> columns, List<DataRow> rows, Map<String, String> settings) {

    public enum Kind { CONDITION, ACTION, NAME, PRIORITY, OTHER }

    /** One column of a table: its kind, the fact type it constrains, its code template and label. */
    public record Column(int index, Kind kind, String objectType, String code, String label) {
        public String letter() {
            return SheetGrid.columnName(index);
        }

        public String describe() {
            return label != null ? "'" + label + "'" : kind.name().toLowerCase(Locale.ROOT) + " column " + letter();
        }
    }

    /** One rule row: its spreadsheet row number and the cell text per column index. */
    public record DataRow(int row, Map<Integer, String> cells) {
        public String value(Column c) {
            return cells.get(c.index());
        }
    }

    public String sheetLabel() {
        return grid.sheet() == null ? grid.file() : "sheet " + grid.sheet();
    }

    /** True when only the first matching row of this table fires (an ACTIVATION-GROUP is set). */
    public boolean firstMatchWins() {
        return settings.keySet().stream().anyMatch(k -> k.equalsIgnoreCase("ACTIVATION-GROUP"));
    }

    public String cellRef(int column, int row) {
        return SheetGrid.columnName(column) + row;
    }

    /** Every table on a sheet; settings are the key/value cells above the first table. */
    public static List<DecisionTable> read(SheetGrid grid) {
        Map<String, String> settings = new LinkedHashMap<>();
        List<int[]> starts = new ArrayList<>();
        for (Map.Entry<Integer, TreeMap<Integer, String>> row : grid.rows().entrySet()) {
            for (Map.Entry<Integer, String> cell : row.getValue().entrySet()) {
                if (isRuleTable(cell.getValue())) {
                    starts.add(new int[] {row.getKey(), cell.getKey()});
                }
            }
        }
        int firstTableRow = starts.isEmpty() ? Integer.MAX_VALUE : starts.get(0)[0];
        for (Map.Entry<Integer, TreeMap<Integer, String>> row : grid.rows().headMap(firstTableRow).entrySet()) {
            List<Map.Entry<Integer, String>> cells = new ArrayList<>(row.getValue().entrySet());
            if (!cells.isEmpty()) {
                String key = cells.get(0).getValue().trim();
                String value = cells.size() > 1 ? cells.get(1).getValue().trim() : "";
                settings.putIfAbsent(key, value);
            }
        }
        List<DecisionTable> tables = new ArrayList<>();
        for (int i = 0; i < starts.size(); i++) {
            int row = starts.get(i)[0];
            int col = starts.get(i)[1];
            int nextStart = i + 1 < starts.size() ? starts.get(i + 1)[0] : Integer.MAX_VALUE;
            tables.add(readTable(grid, row, col, nextStart, settings));
        }
        return tables;
    }

    static boolean isRuleTable(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        return t.equals("ruletable") || t.startsWith("ruletable ");
    }

    private static DecisionTable readTable(SheetGrid grid, int tableRow, int firstCol, int nextStart,
                                           Map<String, String> settings) {
        String name = grid.cell(tableRow, firstCol).trim().substring("RuleTable".length()).trim();
        TreeMap<Integer, String> header = grid.row(tableRow + 1);
        List<Column> columns = new ArrayList<>();
        for (Map.Entry<Integer, String> h : header.tailMap(firstCol).entrySet()) {
            int c = h.getKey();
            columns.add(new Column(c, kindOf(h.getValue()), grid.cell(tableRow + 2, c), grid.cell(tableRow + 3, c),
                    grid.cell(tableRow + 4, c)));
        }
        List<DataRow> rows = new ArrayList<>();
        for (int r = tableRow + 5; r < nextStart && r <= grid.lastRow(); r++) {
            TreeMap<Integer, String> cells = grid.row(r);
            if (cells.tailMap(firstCol).isEmpty()) {
                break; // an empty row ends the table, as in Drools
            }
            rows.add(new DataRow(r, new TreeMap<>(cells.tailMap(firstCol))));
        }
        return new DecisionTable(grid, name, tableRow, firstCol, columns, rows, settings);
    }

    static Kind kindOf(String header) {
        String h = header.trim().toUpperCase(Locale.ROOT);
        if (h.startsWith("CONDITION")) return Kind.CONDITION;
        if (h.startsWith("ACTION")) return Kind.ACTION;
        if (h.equals("NAME")) return Kind.NAME;
        if (h.equals("PRIORITY")) return Kind.PRIORITY;
        return Kind.OTHER;
    }
}
