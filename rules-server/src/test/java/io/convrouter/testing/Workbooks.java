package io.convrouter.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;

/**
 * Builds small {@code .xlsx} workbooks in tests, so a decision table can be written next to the
 * test that uses it instead of living in a binary fixture.
 *
 * <pre>{@code
 * byte[] xlsx = Workbooks.xlsx("Routing", List.of(
 *         Workbooks.row("RuleSet", "test.routing"),
 *         Workbooks.row("RULEFLOW-GROUP", "route"),
 *         Workbooks.row(),
 *         Workbooks.row("RuleTable Routing"),
 *         Workbooks.row("NAME", "CONDITION", "ACTION"),
 *         Workbooks.row(null, "RoutingPlan"),
 *         Workbooks.row(null, "intent == \"$param\"", "plan.setQueue(\"$param\");"),
 *         Workbooks.row("Rule", "Intent", "Queue"),
 *         Workbooks.row("Refunds", "refund", "after-sales")));   // spreadsheet row 9
 * }</pre>
 *
 * <p>Rows and cells are written from the top-left corner: the first row of a sheet is
 * spreadsheet row 1, the first cell of a row is column A. So the {@code n}-th element of the
 * rows list (counting from 1) is the row Excel, and the compiler's error messages, call {@code n}.
 *
 * <p>Cell values: {@code null} leaves the cell empty (no cell is created); a {@link Number} is
 * written as a numeric cell; a {@link Boolean} as a boolean cell; anything else as a string
 * cell holding {@code toString()}.
 */
public final class Workbooks {

    private Workbooks() {}

    /**
     * A workbook with the given sheets, in the map's iteration order (use a {@link LinkedHashMap}
     * when the order matters), serialized as {@code .xlsx} bytes.
     */
    public static byte[] xlsx(Map<String, ? extends List<? extends List<?>>> sheets) {
        try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            for (Map.Entry<String, ? extends List<? extends List<?>>> sheet : sheets.entrySet()) {
                fill(workbook.createSheet(sheet.getKey()), sheet.getValue());
            }
            workbook.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write a test workbook", e);
        }
    }

    /** A workbook with one sheet, serialized as {@code .xlsx} bytes. */
    public static byte[] xlsx(String sheetName, List<? extends List<?>> rows) {
        Map<String, List<? extends List<?>>> sheets = new LinkedHashMap<>();
        sheets.put(sheetName, rows);
        return xlsx(sheets);
    }

    /** One row of cell values, from column A; unlike {@link List#of}, {@code null} (an empty cell) is allowed. */
    public static List<Object> row(Object... cells) {
        return Arrays.asList(cells);
    }

    private static void fill(Sheet sheet, List<? extends List<?>> rows) {
        for (int r = 0; r < rows.size(); r++) {
            List<?> values = rows.get(r);
            Row row = sheet.createRow(r);
            for (int c = 0; c < values.size(); c++) {
                Object value = values.get(c);
                if (value == null) {
                    continue;
                }
                Cell cell = row.createCell(c);
                if (value instanceof Number n) {
                    cell.setCellValue(n.doubleValue());
                } else if (value instanceof Boolean b) {
                    cell.setCellValue(b);
                } else {
                    cell.setCellValue(value.toString());
                }
            }
        }
    }
}
