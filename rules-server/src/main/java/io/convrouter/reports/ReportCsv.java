package io.convrouter.reports;

import java.math.BigDecimal;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Reports as CSV (RFC 4180: a header row, comma-separated, fields with a comma, quote or line
 * break quoted, lines ending CRLF), one row per group or rule. Empty cells are figures without a
 * value. Text that a spreadsheet would run as a formula (starting with =, +, -, @, tab or CR:
 * campaign names and pages come from integrations) is prefixed with a single quote.
 */
public final class ReportCsv {
    private ReportCsv() {}

    private static final Map<String, Function<KpiRow, Object>> KPI_COLUMNS = new LinkedHashMap<>();

    static {
        KPI_COLUMNS.put("conversations", KpiRow::conversations);
        KPI_COLUMNS.put("answered", KpiRow::answered);
        KPI_COLUMNS.put("answeredWithinSla", KpiRow::answeredWithinSla);
        KPI_COLUMNS.put("abandoned", KpiRow::abandoned);
        KPI_COLUMNS.put("waiting", KpiRow::waiting);
        KPI_COLUMNS.put("parked", KpiRow::parked);
        KPI_COLUMNS.put("dropped", KpiRow::dropped);
        KPI_COLUMNS.put("averageWaitSeconds", KpiRow::averageWaitSeconds);
        KPI_COLUMNS.put("p90WaitSeconds", KpiRow::p90WaitSeconds);
        KPI_COLUMNS.put("serviceLevel", KpiRow::serviceLevel);
        KPI_COLUMNS.put("abandonmentRate", KpiRow::abandonmentRate);
        KPI_COLUMNS.put("averageFirstResponseSeconds", KpiRow::averageFirstResponseSeconds);
        KPI_COLUMNS.put("firstResponses", KpiRow::firstResponses);
        KPI_COLUMNS.put("reRouted", KpiRow::reRouted);
        KPI_COLUMNS.put("reRoutes", KpiRow::reRoutes);
        KPI_COLUMNS.put("closed", KpiRow::closed);
        KPI_COLUMNS.put("resolved", KpiRow::resolved);
        KPI_COLUMNS.put("converted", KpiRow::converted);
        KPI_COLUMNS.put("resolutionRate", KpiRow::resolutionRate);
        KPI_COLUMNS.put("conversionRate", KpiRow::conversionRate);
        KPI_COLUMNS.put("averageSatisfaction", KpiRow::averageSatisfaction);
        KPI_COLUMNS.put("satisfactionResponses", KpiRow::satisfactionResponses);
        KPI_COLUMNS.put("averageHandleSeconds", KpiRow::averageHandleSeconds);
        KPI_COLUMNS.put("rejected", r -> r.events().rejected());
        KPI_COLUMNS.put("timedOut", r -> r.events().timedOut());
        KPI_COLUMNS.put("reclaimed", r -> r.events().reclaimed());
        KPI_COLUMNS.put("relaxed", r -> r.events().relaxed());
        KPI_COLUMNS.put("overflowed", r -> r.events().overflowed());
        KPI_COLUMNS.put("rebalanced", r -> r.events().rebalanced());
        KPI_COLUMNS.put("handedOff", r -> r.events().handedOff());
    }

    /** The first column is named after the dimension ("queue", "campaign"; "group" for none). */
    public static String kpis(KpiReport report) {
        StringBuilder out = new StringBuilder();
        String first = ReportDimension.NONE.wireName().equals(report.by()) ? "group" : report.by();
        line(out, header(first, KPI_COLUMNS.keySet()));
        for (KpiRow row : report.groups()) {
            Object[] cells = new Object[KPI_COLUMNS.size() + 1];
            cells[0] = row.group();
            int i = 1;
            for (Function<KpiRow, Object> column : KPI_COLUMNS.values()) {
                cells[i++] = column.apply(row);
            }
            line(out, cells);
        }
        return out.toString();
    }

    public static String rules(RuleReport report) {
        StringBuilder out = new StringBuilder();
        line(out, "name", "stage", "source", "sheet", "row", "line", "hits", "share", "inRuleset");
        for (RuleReport.Rule r : report.rules()) {
            line(out, r.name(), r.stage(), r.source(), r.sheet(), r.row(), r.line(), r.hits(), r.share(), r.inRuleset());
        }
        return out.toString();
    }

    private static Object[] header(String first, java.util.Collection<String> rest) {
        List<String> names = new java.util.ArrayList<>();
        names.add(first);
        names.addAll(rest);
        return names.toArray();
    }

    private static void line(StringBuilder out, Object... cells) {
        for (int i = 0; i < cells.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            out.append(cell(cells[i]));
        }
        out.append("\r\n");
    }

    static String cell(Object value) {
        if (value == null) {
            return "";
        }
        if (value instanceof Double d) {
            return BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        String text = value.toString();
        if (!text.isEmpty() && "=+-@\t\r".indexOf(text.charAt(0)) >= 0) {
            text = "'" + text;
        }
        if (text.indexOf(',') >= 0 || text.indexOf('"') >= 0 || text.indexOf('\n') >= 0 || text.indexOf('\r') >= 0) {
            return '"' + text.replace("\"", "\"\"") + '"';
        }
        return text;
    }
}
