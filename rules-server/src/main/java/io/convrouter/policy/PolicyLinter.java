package io.convrouter.policy;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.PolicyProblem;
import io.convrouter.classify.PolicyProblem.Severity;
import io.convrouter.workbench.Workbench;

/**
 * Checks policy files cell by cell before Drools sees them, so that problems come back in the
 * words of the person who edits the spreadsheet: which cell, what is wrong, what would be right.
 * Also warns about rows that can never fire and rows that contradict each other.
 */
public final class PolicyLinter {
    private static final Pattern PLAN_CALL = Pattern.compile("plan\\.(\\w+)\\(([^;]*?)\\)\\s*;");
    private static final Pattern IDENTIFIER = Pattern.compile("(?<![\\w.$\"])([A-Za-z_]\\w*)");
    private static final Pattern FIELD_EQUALS_PARAM = Pattern.compile("(\\w+)\\s*==\\s*\"?\\$param\"?");
    private static final Pattern DRL_STRING_CALL = Pattern.compile("plan\\.(setQueue|setTeam|requireSkills|requireSkill|setIntent|setLanguage)\\(\\s*\"([^\"]*)\"");
    private static final Pattern DRL_NUMBER_CALL = Pattern.compile("plan\\.(raisePriority|setPriority|setSlaSeconds|tightenSla)\\(\\s*(-?\\d+)\\s*\\)");
    private static final Set<String> KEYWORDS = Set.of("true", "false", "null", "this", "matches", "contains",
            "memberOf", "in", "not", "soundslike", "str", "excludes", "instanceof", "new");
    private static final Set<String> ATTRIBUTE_HEADERS = Set.of("DESCRIPTION", "PRIORITY", "DURATION", "TIMER",
            "ENABLED", "CALENDARS", "NO-LOOP", "LOCK-ON-ACTIVE", "AUTO-FOCUS", "ACTIVATION-GROUP", "AGENDA-GROUP",
            "RULEFLOW-GROUP", "DATE-EFFECTIVE", "DATE-EXPIRES", "METADATA", "NAME", "CONDITION", "ACTION");

    private final PlanVocabulary vocabulary;

    public PolicyLinter(Workbench workbench) {
        this.vocabulary = new PlanVocabulary(workbench);
    }

    public List<PolicyProblem> lintTables(List<DecisionTable> tables) {
        List<PolicyProblem> problems = new ArrayList<>();
        for (DecisionTable t : tables) {
            lintHeader(t, problems);
            lintCells(t, problems);
            findOverlaps(t, problems);
        }
        return problems;
    }

    private void lintHeader(DecisionTable t, List<PolicyProblem> problems) {
        int headerRow = t.tableRow() + 1;
        int codeRow = t.tableRow() + 3;
        for (DecisionTable.Column c : t.columns()) {
            String header = t.grid().cell(headerRow, c.index());
            if (c.kind() == DecisionTable.Kind.OTHER
                    && !ATTRIBUTE_HEADERS.contains(header.trim().toUpperCase(Locale.ROOT))) {
                problems.add(headerProblem(t, c.index(), headerRow, "'" + header.trim()
                        + "' is not a column type; use CONDITION, ACTION, NAME or a rule attribute such as PRIORITY"));
                continue;
            }
            if ((c.kind() == DecisionTable.Kind.CONDITION || c.kind() == DecisionTable.Kind.ACTION)
                    && (c.code() == null || c.code().isBlank())) {
                problems.add(headerProblem(t, c.index(), codeRow, "this " + c.kind().name().toLowerCase(Locale.ROOT)
                        + " column has no code: write what it does in row " + codeRow
                        + (c.kind() == DecisionTable.Kind.ACTION ? ", such as plan.setQueue(\"$param\");" : ", such as tier == \"$param\"")));
                continue;
            }
            if (c.kind() == DecisionTable.Kind.CONDITION) {
                String type = objectType(c.objectType());
                if (type == null) {
                    continue; // a condition on the object of a column to its left (merged cell)
                }
                Optional<Class<?>> fact = FactModel.type(type);
                if (fact.isEmpty()) {
                    problems.add(headerProblem(t, c.index(), t.tableRow() + 2, "'" + type
                            + "' is not a fact the rules can see; use one of " + FactModel.TYPES.keySet().stream().sorted().toList()));
                    continue;
                }
                Set<String> members = FactModel.members(fact.get());
                for (String identifier : identifiers(c.code())) {
                    if (!members.contains(identifier)) {
                        problems.add(headerProblem(t, c.index(), codeRow, "'" + identifier + "' is not a field of "
                                + type + "; its fields: " + FactModel.fields(fact.get()) + ", its methods: "
                                + FactModel.methods(fact.get())));
                    }
                }
            }
        }
    }

    private void lintCells(DecisionTable t, List<PolicyProblem> problems) {
        for (DecisionTable.Column c : t.columns()) {
            if (c.code() == null) {
                continue;
            }
            if (c.kind() == DecisionTable.Kind.ACTION) {
                Matcher m = PLAN_CALL.matcher(c.code());
                while (m.find()) {
                    String method = m.group(1);
                    List<String> args = splitArgs(m.group(2));
                    for (int i = 0; i < args.size(); i++) {
                        for (DecisionTable.DataRow row : t.rows()) {
                            String cell = row.value(c);
                            if (cell == null) {
                                continue;
                            }
                            String value = substitute(args.get(i), cell);
                            if (value == null) {
                                continue;
                            }
                            int index = i;
                            vocabulary.check(method, index, value).ifPresent(msg ->
                                    problems.add(problem(Severity.ERROR, t, c.index(), row.row(), msg)));
                        }
                    }
                }
            } else if (c.kind() == DecisionTable.Kind.CONDITION) {
                String type = objectType(c.objectType());
                Matcher m = FIELD_EQUALS_PARAM.matcher(c.code());
                if (type != null && m.find()) {
                    String field = m.group(1);
                    for (DecisionTable.DataRow row : t.rows()) {
                        String cell = row.value(c);
                        if (cell != null) {
                            vocabulary.checkFieldValue(type, field, cell).ifPresent(msg ->
                                    problems.add(problem(Severity.ERROR, t, c.index(), row.row(), msg)));
                        }
                    }
                }
            }
        }
    }

    /** Rows that can never fire, and rows that set different values for the same input. */
    private void findOverlaps(DecisionTable t, List<PolicyProblem> problems) {
        List<DecisionTable.Column> conditions = t.columns().stream()
                .filter(c -> c.kind() == DecisionTable.Kind.CONDITION).toList();
        List<DecisionTable.Column> actions = t.columns().stream()
                .filter(c -> c.kind() == DecisionTable.Kind.ACTION).toList();
        boolean firstMatch = t.firstMatchWins();
        List<DecisionTable.DataRow> rows = t.rows();
        Set<Integer> reported = new HashSet<>();
        for (int j = 0; j < rows.size(); j++) {
            DecisionTable.DataRow later = rows.get(j);
            for (int i = 0; i < j && !reported.contains(later.row()); i++) {
                DecisionTable.DataRow earlier = rows.get(i);
                if (!covers(earlier, later, conditions)) {
                    continue;
                }
                if (firstMatch) {
                    reported.add(later.row());
                    problems.add(problem(Severity.WARNING, t, t.firstColumn(), later.row(), "row " + later.row()
                            + " can never fire: every input it matches is matched first by row " + earlier.row()
                            + " (only the first matching row of this table fires)"));
                } else {
                    Map<String, String> differences = differences(earlier, later, actions);
                    if (!differences.isEmpty()) {
                        reported.add(later.row());
                        problems.add(problem(Severity.WARNING, t, t.firstColumn(), later.row(), "rows " + earlier.row()
                                + " and " + later.row() + " both match the same input but set different values ("
                                + String.join("; ", differences.values()) + "); for such input row " + later.row()
                                + " wins because it runs later"));
                    }
                }
            }
        }
    }

    /** True when every input matching {@code later} also matches {@code earlier}. */
    private static boolean covers(DecisionTable.DataRow earlier, DecisionTable.DataRow later,
                                  List<DecisionTable.Column> conditions) {
        for (DecisionTable.Column c : conditions) {
            String e = normalize(earlier.value(c));
            String l = normalize(later.value(c));
            if (e == null) {
                continue; // no constraint in the earlier row: it matches anything here
            }
            if (l == null) {
                return false;
            }
            if (!e.equals(l) && !(isMentions(c) && keywordsCovered(e, l))) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMentions(DecisionTable.Column c) {
        return c.code() != null && c.code().contains("mentions(");
    }

    /** Every keyword of {@code later} contains a keyword of {@code earlier}, so any mention of it mentions the earlier one too. */
    private static boolean keywordsCovered(String earlier, String later) {
        List<String> e = keywords(earlier);
        for (String k : keywords(later)) {
            if (e.stream().noneMatch(k::contains)) {
                return false;
            }
        }
        return true;
    }

    private static List<String> keywords(String cell) {
        List<String> result = new ArrayList<>();
        for (String k : cell.split("[,，、]")) {
            String t = java.text.Normalizer.normalize(k.trim(), java.text.Normalizer.Form.NFKC).toLowerCase(Locale.ROOT);
            if (!t.isEmpty()) {
                result.add(t);
            }
        }
        return result;
    }

    private static Map<String, String> differences(DecisionTable.DataRow a, DecisionTable.DataRow b,
                                                   List<DecisionTable.Column> actions) {
        Map<String, String> diffs = new LinkedHashMap<>();
        for (DecisionTable.Column c : actions) {
            if (orderFree(c)) {
                continue; // both rows apply and the result is the same in either order
            }
            String va = normalize(a.value(c));
            String vb = normalize(b.value(c));
            if (va != null && vb != null && !va.equals(vb)) {
                diffs.put(c.describe(), c.describe() + ": " + va + " vs " + vb);
            }
        }
        return diffs;
    }

    /** Plan actions whose combined effect does not depend on which row runs last. */
    private static final Set<String> ORDER_FREE_ACTIONS = Set.of("raisePriority", "tightenSla", "requireSkills",
            "requireSkill");

    /**
     * True for an action column that only raises a priority, tightens an SLA or adds skills: two
     * rows with different values there do not contradict each other (the higher priority, the
     * tighter SLA, every skill at its highest level win, whatever the order).
     */
    static boolean orderFree(DecisionTable.Column c) {
        if (c.code() == null) {
            return false;
        }
        Matcher m = PLAN_CALL.matcher(c.code());
        boolean any = false;
        while (m.find()) {
            any = true;
            if (!ORDER_FREE_ACTIONS.contains(m.group(1))) {
                return false;
            }
        }
        return any;
    }

    private static String normalize(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    /** Literal values passed to plan actions in DRL files, checked like table cells. */
    public List<PolicyProblem> lintDrl(PolicyFile file) {
        List<PolicyProblem> problems = new ArrayList<>();
        String[] lines = new String(file.content(), StandardCharsets.UTF_8).split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.trim().startsWith("//")) {
                continue;
            }
            Matcher s = DRL_STRING_CALL.matcher(line);
            while (s.find()) {
                int lineNo = i + 1;
                vocabulary.check(s.group(1), 0, s.group(2)).ifPresent(msg -> problems.add(new PolicyProblem(
                        Severity.ERROR, file.path(), null, null, null, lineNo, msg)));
            }
            Matcher n = DRL_NUMBER_CALL.matcher(line);
            while (n.find()) {
                int lineNo = i + 1;
                vocabulary.check(n.group(1), 0, n.group(2)).ifPresent(msg -> problems.add(new PolicyProblem(
                        Severity.ERROR, file.path(), null, null, null, lineNo, msg)));
            }
        }
        return problems;
    }

    /** The fact type named in an object-type cell: "Customer", "$c : Customer" or "Customer()". */
    static String objectType(String objectCell) {
        if (objectCell == null || objectCell.isBlank()) {
            return null;
        }
        String s = objectCell.trim();
        int colon = s.indexOf(':');
        if (colon >= 0) {
            s = s.substring(colon + 1).trim();
        }
        int paren = s.indexOf('(');
        if (paren >= 0) {
            s = s.substring(0, paren).trim();
        }
        return s.isEmpty() ? null : s;
    }

    /** Names a constraint refers to on its fact: fields and methods, not literals or keywords. */
    static List<String> identifiers(String code) {
        String withoutStrings = code.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
        List<String> result = new ArrayList<>();
        Matcher m = IDENTIFIER.matcher(withoutStrings);
        while (m.find()) {
            String id = m.group(1);
            if (!KEYWORDS.contains(id) && !id.startsWith("param") && !Character.isDigit(id.charAt(0))) {
                result.add(id);
            }
        }
        return result;
    }

    /** The value a template argument takes for a cell: "$param" is the cell, "$2" its second comma part. */
    static String substitute(String arg, String cell) {
        if (arg.contains("$param")) {
            return stripQuotes(arg.replace("$param", cell));
        }
        Matcher m = Pattern.compile("\\$(\\d+)").matcher(arg);
        if (m.find()) {
            String[] parts = cell.split(",");
            int n = Integer.parseInt(m.group(1));
            return n <= parts.length ? stripQuotes(arg.replace(m.group(), parts[n - 1].trim())) : null;
        }
        return null;
    }

    private static String stripQuotes(String s) {
        String t = s.trim();
        return t.length() >= 2 && t.startsWith("\"") && t.endsWith("\"") ? t.substring(1, t.length() - 1) : t;
    }

    static List<String> splitArgs(String args) {
        List<String> result = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        int depth = 0;
        for (char ch : args.toCharArray()) {
            if (ch == '"') quoted = !quoted;
            if (!quoted && ch == '(') depth++;
            if (!quoted && ch == ')') depth--;
            if (!quoted && depth == 0 && ch == ',') {
                result.add(current.toString().trim());
                current.setLength(0);
            } else {
                current.append(ch);
            }
        }
        if (!current.toString().isBlank()) {
            result.add(current.toString().trim());
        }
        return result;
    }

    private static final String HEADER_MARK = "[header] ";

    /** True for a problem with a table's column definitions rather than one of its rows. */
    static boolean isHeaderProblem(PolicyProblem p) {
        return p.message().startsWith(HEADER_MARK);
    }

    private static PolicyProblem headerProblem(DecisionTable t, int column, int row, String message) {
        return problem(Severity.ERROR, t, column, row, HEADER_MARK + message);
    }

    private static PolicyProblem problem(Severity severity, DecisionTable t, int column, int row, String message) {
        return new PolicyProblem(severity, t.grid().file(), t.grid().sheet(), row, SheetGrid.columnName(column), null,
                message);
    }

    static boolean sameCell(PolicyProblem a, PolicyProblem b) {
        return Objects.equals(a.file(), b.file()) && Objects.equals(a.sheet(), b.sheet())
                && Objects.equals(a.row(), b.row()) && Objects.equals(a.column(), b.column());
    }
}
