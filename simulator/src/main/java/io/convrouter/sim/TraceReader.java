package io.convrouter.sim;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

import io.convrouter.workbench.Workbench;

/**
 * Reads recorded arrivals from CSV. Columns (a header row names them, in any order):
 * {@code at} (an instant such as 2024-11-11T08:00:05Z, or seconds after the scenario start),
 * {@code channel}, {@code text} (required); {@code language}, {@code customer}, {@code tier},
 * {@code intent} (a name from the scenario's mix.intents, whose service time is used when
 * {@code serviceSeconds} is empty), {@code serviceSeconds}, {@code patienceSeconds} (empty: from
 * the scenario's patience), and {@code field.NAME} for the conversation's fields.
 */
final class TraceReader {
    private final List<String> problems;
    private final Workbench workbench;

    TraceReader(List<String> problems, Workbench workbench) {
        this.problems = problems;
        this.workbench = workbench;
    }

    ScenarioLoader.Reading.Traffic read(Path csv, String where, long seed, long start,
                                        Map<String, ScenarioLoader.Reading.IntentClass> intents, Distribution patience,
                                        Integer days) {
        List<List<String>> rows;
        try {
            rows = Csv.read(csv);
        } catch (IOException e) {
            problems.add(where + ": cannot be read: " + e.getMessage());
            return new ScenarioLoader.Reading.Traffic(start, start, List.of(), null, Map.of());
        }
        if (rows.isEmpty()) {
            problems.add(where + ": is empty; the first row names the columns (at, channel, text, ...)");
            return new ScenarioLoader.Reading.Traffic(start, start, List.of(), null, Map.of());
        }
        List<String> header = rows.get(0).stream().map(String::trim).toList();
        for (String required : List.of("at", "channel", "text")) {
            if (!header.contains(required)) {
                problems.add(where + ": has no '" + required + "' column; columns are " + header);
            }
        }
        for (String h : header) {
            if (!h.startsWith("field.") && !List.of("at", "channel", "text", "language", "customer", "tier", "intent",
                    "serviceSeconds", "patienceSeconds").contains(h)) {
                problems.add(where + ": column '" + h + "' is not known; use at, channel, text, language, customer, "
                        + "tier, intent, serviceSeconds, patienceSeconds or field.NAME");
            }
        }
        if (!problems.isEmpty()) {
            return new ScenarioLoader.Reading.Traffic(start, start, List.of(), null, Map.of());
        }
        long until = days == null ? Long.MAX_VALUE : start + days * 24L * 3600 * 1000;
        record Row(long at, int line, Map<String, String> cells) {}
        List<Row> parsed = new ArrayList<>();
        int errors = 0;
        for (int i = 1; i < rows.size(); i++) {
            Map<String, String> cells = new LinkedHashMap<>();
            List<String> row = rows.get(i);
            for (int c = 0; c < header.size(); c++) {
                cells.put(header.get(c), c < row.size() ? row.get(c).trim() : "");
            }
            String at = cells.get("at");
            Long t = null;
            try {
                t = at.matches("\\d+(\\.\\d+)?") ? start + Math.round(Double.parseDouble(at) * 1000)
                        : Instant.parse(at).toEpochMilli();
            } catch (DateTimeParseException e) {
                // reported below
            }
            int line = i + 1;
            List<String> rowProblems = new ArrayList<>();
            if (t == null) {
                rowProblems.add("at: '" + at + "' is not an instant (2024-11-11T08:00:05Z) or seconds after the start");
            }
            if (cells.get("text").isBlank()) {
                rowProblems.add("text: is empty");
            }
            if (cells.get("channel").isBlank()) {
                rowProblems.add("channel: is empty");
            }
            String service = cells.getOrDefault("serviceSeconds", "");
            String intent = cells.getOrDefault("intent", "");
            if (service.isEmpty() && !intents.containsKey(intent)) {
                rowProblems.add("serviceSeconds: is empty and intent '" + intent + "' is not in the scenario's "
                        + "mix.intents (whose service time would be used); known: " + intents.keySet());
            }
            for (String numeric : List.of("serviceSeconds", "patienceSeconds")) {
                String v = cells.getOrDefault(numeric, "");
                if (!v.isEmpty() && !v.matches("\\d+(\\.\\d+)?")) {
                    rowProblems.add(numeric + ": '" + v + "' is not a number of seconds");
                }
            }
            if (!rowProblems.isEmpty()) {
                if (errors++ < 20) {
                    rowProblems.forEach(p -> problems.add(where + " line " + line + ": " + p));
                }
                continue;
            }
            if (t < start) {
                if (errors++ < 20) {
                    problems.add(where + " line " + line + ": at: " + Instant.ofEpochMilli(t)
                            + " is before the scenario start " + Instant.ofEpochMilli(start));
                }
                continue;
            }
            if (t < until) {
                parsed.add(new Row(t, line, cells));
            }
        }
        if (errors > 20) {
            problems.add(where + ": " + (errors - 20) + " more lines with problems");
        }
        parsed.sort(Comparator.comparingLong(Row::at).thenComparingInt(Row::line));
        List<Scenario.Call> calls = new ArrayList<>();
        for (Row r : parsed) {
            int index = calls.size();
            SplittableRandom random = ScenarioLoader.callRandom(seed, index);
            Map<String, String> cells = r.cells();
            Map<String, String> fields = new LinkedHashMap<>();
            cells.forEach((k, v) -> {
                if (k.startsWith("field.") && !v.isEmpty()) {
                    fields.put(k.substring("field.".length()), v);
                }
            });
            ScenarioLoader.Reading.IntentClass intent = intents.get(cells.getOrDefault("intent", ""));
            String service = cells.getOrDefault("serviceSeconds", "");
            long serviceMillis = service.isEmpty() ? intent.service().sampleMillis(random)
                    : Math.round(Double.parseDouble(service) * 1000);
            String p = cells.getOrDefault("patienceSeconds", "");
            long patienceMillis = p.isEmpty() ? patience.sampleMillis(random) : Math.round(Double.parseDouble(p) * 1000);
            boolean resolved = random.nextDouble() < (intent == null ? 1.0 : intent.resolvedShare());
            String tier = cells.getOrDefault("tier", "");
            calls.add(new Scenario.Call(index, "call-" + index, r.at(), cells.get("channel"), cells.get("text"),
                    blankToNull(cells.getOrDefault("language", "")), blankToNull(cells.getOrDefault("customer", "")),
                    tier.isEmpty() ? (workbench == null ? null : workbench.routing().defaultTier()) : tier, fields,
                    intent == null ? (cells.getOrDefault("intent", "").isEmpty() ? null : cells.get("intent"))
                            : intent.name(), Math.max(1, serviceMillis), patienceMillis, resolved));
        }
        long end = calls.isEmpty() ? start : calls.get(calls.size() - 1).arrival() + 1;
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("kind", "trace");
        summary.put("file", csv.getFileName().toString());
        summary.put("calls", calls.size());
        summary.put("patience", patience.describe() + " (unless the trace gives patienceSeconds)");
        return new ScenarioLoader.Reading.Traffic(start, end, calls, null, summary);
    }

    private static String blankToNull(String s) {
        return s.isEmpty() ? null : s;
    }
}
