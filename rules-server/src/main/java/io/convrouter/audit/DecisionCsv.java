package io.convrouter.audit;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.convrouter.classify.FiredRule;

/**
 * One decision as a CSV row (RFC 4180: fields with a comma, quote or line break are quoted, quotes
 * doubled; rows end with CRLF). Auditors open these files in spreadsheets, so a text field that
 * starts with {@code = + - @} gets a leading apostrophe and is shown, not run as a formula.
 */
public final class DecisionCsv {
    public static final List<String> COLUMNS = List.of("id", "at", "kind", "conversationId", "channel", "customerId",
            "rulesetVersion", "intent", "queue", "priority", "requiredSkills", "language", "team", "chosenAgentId",
            "outcome", "rulesFired", "candidates", "reason", "durationMicros");

    private DecisionCsv() {}

    public static String header() {
        return line(COLUMNS);
    }

    public static String row(DecisionRecord d) {
        var plan = d.plan();
        List<String> cells = new ArrayList<>();
        cells.add(text(d.id()));
        cells.add(d.at() == null ? "" : d.at().toString());
        cells.add(d.kind().wireName());
        cells.add(text(d.conversationId()));
        cells.add(text(nested(d.input(), "conversation", "channel")));
        cells.add(text(nested(d.input(), "customer", "id")));
        cells.add(text(d.rulesetVersion()));
        cells.add(text(plan == null ? null : plan.intent()));
        cells.add(text(plan == null ? null : plan.queue()));
        cells.add(plan == null ? "" : Integer.toString(plan.priority()));
        cells.add(text(plan == null ? null : plan.requiredSkills().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .map(e -> e.getKey() + ":" + e.getValue()).collect(Collectors.joining(" "))));
        cells.add(text(plan == null ? null : plan.language()));
        cells.add(text(plan == null ? null : plan.team()));
        cells.add(text(d.chosenAgentId()));
        cells.add(text(d.outcome()));
        cells.add(text(d.rulesFired().stream().map(DecisionCsv::rule).collect(Collectors.joining("; "))));
        cells.add(Integer.toString(d.candidates().size()));
        cells.add(text(d.reason()));
        cells.add(Long.toString(d.durationMicros()));
        return line(cells);
    }

    /** "Refund (routing.drl.xlsx, sheet Intents, row 14)" or "Returning customer (guards.drl, line 20)". */
    static String rule(FiredRule r) {
        StringBuilder sb = new StringBuilder(r.name() == null ? "" : r.name());
        List<String> where = new ArrayList<>();
        if (r.source() != null) where.add(r.source());
        if (r.sheet() != null) where.add("sheet " + r.sheet());
        if (r.row() != null) where.add("row " + r.row());
        if (r.line() != null) where.add("line " + r.line());
        if (!where.isEmpty()) sb.append(" (").append(String.join(", ", where)).append(')');
        return sb.toString();
    }

    /** A text cell, safe to open in a spreadsheet. */
    static String text(String value) {
        if (value == null || value.isEmpty()) {
            return "";
        }
        char first = value.charAt(0);
        return first == '=' || first == '+' || first == '-' || first == '@' || first == '\t' || first == '\r'
                ? "'" + value : value;
    }

    static String line(List<String> cells) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < cells.size(); i++) {
            if (i > 0) sb.append(',');
            sb.append(escape(cells.get(i)));
        }
        return sb.append("\r\n").toString();
    }

    static String escape(String cell) {
        if (cell.indexOf(',') < 0 && cell.indexOf('"') < 0 && cell.indexOf('\n') < 0 && cell.indexOf('\r') < 0) {
            return cell;
        }
        return '"' + cell.replace("\"", "\"\"") + '"';
    }

    private static String nested(Map<String, Object> input, String object, String field) {
        return input.get(object) instanceof Map<?, ?> m && m.get(field) != null ? String.valueOf(m.get(field)) : null;
    }
}
