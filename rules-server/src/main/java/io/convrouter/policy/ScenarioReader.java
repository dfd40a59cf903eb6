package io.convrouter.policy;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import io.convrouter.classify.PolicyProblem;
import io.convrouter.classify.RoutingInput;

/**
 * Reads scenario tables: a sheet named "Scenarios" in a workbook, or a {@code *.scenarios.csv}.
 * The first non-empty row names the columns. Input columns: name, channel, text, language, tier,
 * customer id, returning, last agent id, order count, tags, campaign, landing page, business
 * line, fields ("k=v; k2=v2") or "field.NAME". Expectation columns start with "expected":
 * intent, queue, priority, skills ("refund 3, shipping 2"), team, bot first, language, sla,
 * preferred agent, rules (names that must fire), dropped. An empty expectation cell is not checked.
 */
public final class ScenarioReader {

    private static final Map<String, String> EXPECTATIONS = Map.ofEntries(
            Map.entry("intent", Scenario.INTENT), Map.entry("queue", Scenario.QUEUE),
            Map.entry("priority", Scenario.PRIORITY), Map.entry("skills", Scenario.SKILLS),
            Map.entry("requiredskills", Scenario.SKILLS), Map.entry("team", Scenario.TEAM),
            Map.entry("botfirst", Scenario.BOT_FIRST), Map.entry("bot", Scenario.BOT_FIRST),
            Map.entry("language", Scenario.LANGUAGE), Map.entry("sla", Scenario.SLA),
            Map.entry("slaseconds", Scenario.SLA), Map.entry("preferredagent", Scenario.PREFERRED_AGENT),
            Map.entry("rules", Scenario.RULES), Map.entry("rulesfired", Scenario.RULES),
            Map.entry("dropped", Scenario.DROPPED));
    private static final Set<String> INPUTS = Set.of("name", "channel", "text", "language", "tier", "customerid",
            "returning", "lastagentid", "lastagent", "ordercount", "tags", "campaign", "landingpage", "businessline",
            "fields", "note", "notes", "description");

    public record Result(List<Scenario> scenarios, List<PolicyProblem> problems) {}

    public static boolean isScenarioSheet(SheetGrid grid) {
        return grid.sheet() != null && grid.sheet().trim().equalsIgnoreCase("Scenarios");
    }

    public Result read(SheetGrid grid) {
        List<Scenario> scenarios = new ArrayList<>();
        List<PolicyProblem> problems = new ArrayList<>();
        if (grid.rows().isEmpty()) {
            return new Result(scenarios, problems);
        }
        int headerRow = grid.rows().firstKey();
        Map<Integer, String> columns = new LinkedHashMap<>();
        for (Map.Entry<Integer, String> h : grid.row(headerRow).entrySet()) {
            String key = normalize(h.getValue());
            boolean expectation = key.startsWith("expected") || key.startsWith("expect");
            String rest = key.replaceFirst("^expect(ed)?", "");
            if (expectation && EXPECTATIONS.containsKey(rest)) {
                columns.put(h.getKey(), "expected:" + EXPECTATIONS.get(rest));
            } else if (!expectation && (INPUTS.contains(key) || key.startsWith("field."))) {
                columns.put(h.getKey(), key.startsWith("field.") ? "field:" + h.getValue().trim().substring(6) : key);
            } else {
                problems.add(new PolicyProblem(PolicyProblem.Severity.ERROR, grid.file(), grid.sheet(), headerRow,
                        SheetGrid.columnName(h.getKey()), null, "'" + h.getValue().trim()
                        + "' is not a scenario column; inputs: name, channel, text, language, tier, customer id, returning, "
                        + "last agent id, order count, tags, campaign, landing page, business line, fields, field.NAME; "
                        + "expectations: expected intent, queue, priority, skills, team, bot first, language, sla, "
                        + "preferred agent, rules"));
            }
        }
        for (Map.Entry<Integer, TreeMap<Integer, String>> row : grid.rows().tailMap(headerRow, false).entrySet()) {
            Map<String, String> in = new LinkedHashMap<>();
            Map<String, String> fields = new LinkedHashMap<>();
            Map<String, String> expected = new LinkedHashMap<>();
            for (Map.Entry<Integer, String> cell : row.getValue().entrySet()) {
                String col = columns.get(cell.getKey());
                if (col == null) continue;
                String value = cell.getValue().trim();
                if (col.startsWith("expected:")) {
                    expected.put(col.substring(9), value);
                } else if (col.startsWith("field:")) {
                    fields.put(col.substring(6), value);
                } else {
                    in.put(col, value);
                }
            }
            if (in.isEmpty() && expected.isEmpty()) continue;
            int rowNo = row.getKey();
            if (in.get("fields") != null) {
                for (String pair : in.get("fields").split(";")) {
                    int eq = pair.indexOf('=');
                    if (eq > 0) fields.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
                }
            }
            String name = in.getOrDefault("name", (grid.sheet() == null ? grid.file() : grid.sheet()) + " row " + rowNo);
            Integer orderCount = parseInt(in.get("ordercount"));
            if (in.get("ordercount") != null && orderCount == null) {
                problems.add(cellProblem(grid, rowNo, columns, "ordercount", "'" + in.get("ordercount") + "' is not a whole number"));
            }
            Set<String> tags = new LinkedHashSet<>();
            if (in.get("tags") != null) {
                for (String t : in.get("tags").split("[,;]")) if (!t.isBlank()) tags.add(t.trim());
            }
            RoutingInput input = new RoutingInput("scenario-" + rowNo, in.getOrDefault("channel", "web"),
                    in.getOrDefault("text", ""), blankToNull(in.get("language")), blankToNull(in.get("customerid")),
                    in.getOrDefault("tier", null), truthy(in.get("returning")),
                    blankToNull(in.getOrDefault("lastagentid", in.get("lastagent"))), orderCount == null ? 0 : orderCount,
                    tags, blankToNull(in.get("campaign")), blankToNull(in.get("landingpage")),
                    blankToNull(in.get("businessline")), fields);
            scenarios.add(new Scenario(name, grid.file(), grid.sheet(), rowNo, input, expected));
        }
        return new Result(scenarios, problems);
    }

    private static PolicyProblem cellProblem(SheetGrid grid, int row, Map<Integer, String> columns, String key, String msg) {
        int col = columns.entrySet().stream().filter(e -> e.getValue().equals(key)).map(Map.Entry::getKey).findFirst().orElse(0);
        return new PolicyProblem(PolicyProblem.Severity.ERROR, grid.file(), grid.sheet(), row, SheetGrid.columnName(col),
                null, msg);
    }

    static String normalize(String header) {
        return header.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s_\\-]+", "").replace("field.", "field.");
    }

    private static boolean truthy(String s) {
        return s != null && (s.equalsIgnoreCase("true") || s.equalsIgnoreCase("yes") || s.equals("1") || s.equals("是"));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static Integer parseInt(String s) {
        if (s == null || s.isBlank()) return null;
        try {
            return Integer.parseInt(s.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }
}
