package io.convrouter.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import java.util.TreeMap;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellType;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.FormulaEvaluator;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;

import io.convrouter.classify.PolicyFile;

/**
 * The text of one sheet (or one CSV file) as Drools reads it, addressed the way Excel shows it:
 * rows from 1, columns from A. Empty cells are absent.
 */
public record SheetGrid(String file, String sheet, TreeMap<Integer, TreeMap<Integer, String>> rows) {

    public String cell(int row, int col) {
        TreeMap<Integer, String> r = rows.get(row);
        return r == null ? null : r.get(col);
    }

    public TreeMap<Integer, String> row(int row) {
        TreeMap<Integer, String> r = rows.get(row);
        return r == null ? new TreeMap<>() : r;
    }

    public int lastRow() {
        return rows.isEmpty() ? 0 : rows.lastKey();
    }

    /** "A" for column 0, "AA" for column 26. */
    public static String columnName(int col) {
        StringBuilder sb = new StringBuilder();
        int c = col + 1;
        while (c > 0) {
            int rem = (c - 1) % 26;
            sb.insert(0, (char) ('A' + rem));
            c = (c - 1) / 26;
        }
        return sb.toString();
    }

    /** Every sheet of a workbook. */
    public static List<SheetGrid> ofWorkbook(PolicyFile file) throws IOException {
        List<SheetGrid> grids = new ArrayList<>();
        try (Workbook wb = WorkbookFactory.create(new ByteArrayInputStream(file.content()))) {
            DataFormatter formatter = new DataFormatter(Locale.ENGLISH);
            FormulaEvaluator evaluator = wb.getCreationHelper().createFormulaEvaluator();
            for (Sheet sheet : wb) {
                TreeMap<Integer, TreeMap<Integer, String>> rows = new TreeMap<>();
                for (Row row : sheet) {
                    for (Cell cell : row) {
                        String text = text(cell, formatter, evaluator);
                        if (text != null && !text.isBlank()) {
                            rows.computeIfAbsent(row.getRowNum() + 1, k -> new TreeMap<>())
                                    .put(cell.getColumnIndex(), text);
                        }
                    }
                }
                grids.add(new SheetGrid(file.path(), sheet.getSheetName(), rows));
            }
        }
        return grids;
    }

    private static String text(Cell cell, DataFormatter formatter, FormulaEvaluator evaluator) {
        try {
            if (cell.getCellType() == CellType.BOOLEAN) {
                return cell.getBooleanCellValue() ? "true" : "false";
            }
            if (cell.getCellType() == CellType.FORMULA) {
                return formatter.formatCellValue(cell, evaluator);
            }
            return formatter.formatCellValue(cell);
        } catch (RuntimeException e) {
            return formatter.formatCellValue(cell);
        }
    }

    /** A CSV decision table (RFC 4180 quoting, as Drools reads it). */
    public static SheetGrid ofCsv(PolicyFile file) {
        String text = new String(file.content(), StandardCharsets.UTF_8);
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        TreeMap<Integer, TreeMap<Integer, String>> rows = new TreeMap<>();
        int row = 1;
        for (List<String> cells : parseCsv(text)) {
            for (int c = 0; c < cells.size(); c++) {
                String v = cells.get(c);
                if (v != null && !v.isBlank()) {
                    rows.computeIfAbsent(row, k -> new TreeMap<>()).put(c, v);
                }
            }
            row++;
        }
        return new SheetGrid(file.path(), null, rows);
    }

    static List<List<String>> parseCsv(String text) {
        List<List<String>> lines = new ArrayList<>();
        List<String> current = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char ch = text.charAt(i);
            if (quoted) {
                if (ch == '"') {
                    if (i + 1 < text.length() && text.charAt(i + 1) == '"') {
                        cell.append('"');
                        i++;
                    } else {
                        quoted = false;
                    }
                } else {
                    cell.append(ch);
                }
            } else if (ch == '"') {
                quoted = true;
            } else if (ch == ',') {
                current.add(cell.toString());
                cell.setLength(0);
            } else if (ch == '\n' || ch == '\r') {
                if (ch == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                    i++;
                }
                current.add(cell.toString());
                cell.setLength(0);
                lines.add(current);
                current = new ArrayList<>();
            } else {
                cell.append(ch);
            }
        }
        if (!cell.isEmpty() || !current.isEmpty()) {
            current.add(cell.toString());
            lines.add(current);
        }
        return lines;
    }

    @Override
    public String toString() {
        return file + (sheet == null ? "" : "#" + sheet);
    }

}
