package io.convrouter.workbench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads {@code workbench-config/calendars.yaml} into named {@link BusinessCalendar}s. Like
 * {@link WorkbenchLoader}, it reports every problem at once, each with the file, the calendar and
 * the field, e.g. {@code calendars.yaml: standard.weekly.monday[1]: '25:00' is not a time of day}.
 *
 * <pre>
 * calendars:
 *   standard:
 *     description: Pre- and after-sales desks   # optional
 *     zone: Asia/Shanghai
 *     weekly:                  # daily, weekdays (Mon-Fri), weekend (Sat-Sun) or monday..sunday;
 *       weekdays: [09:00-21:00]  # a named day overrides weekdays/weekend, which override daily;
 *       weekend: [10:00-18:00]   # a day left out, or given [], is closed
 *     holidays:                # closed all day; date, or from and to (both included)
 *       - { name: Spring Festival, from: 2027-02-05, to: 2027-02-08 }
 *     specialDays:             # their own hours instead of the weekly ones
 *       - { name: Make-up working day, date: 2027-02-20, hours: [09:00-21:00] }
 * </pre>
 */
public final class CalendarsLoader {

    public static final String FILE = "calendars.yaml";

    /** A holiday or special period longer than this is taken for a typo. */
    static final int MAX_SPAN_DAYS = 366;

    private static final ObjectMapper YAML = YAMLMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_READING_DUP_TREE_KEY)
            .build();

    /** Jackson's duplicate-key message, e.g. {@code Duplicate Object property "standard"}. */
    private static final Pattern DUPLICATE = Pattern.compile("^Duplicate .*?\"(.*)\"");
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");
    private static final List<String> CALENDAR_FIELDS = List.of("description", "zone", "weekly", "holidays", "specialDays");
    private static final List<String> HOLIDAY_FIELDS = List.of("name", "date", "from", "to");
    private static final List<String> SPECIAL_DAY_FIELDS = List.of("name", "date", "from", "to", "hours");
    private static final Map<String, Set<DayOfWeek>> DAY_GROUPS = dayGroups();

    /** Reads {@code dir/calendars.yaml}; throws {@link WorkbenchConfigException} listing every problem. */
    public Map<String, BusinessCalendar> load(Path dir) {
        List<String> problems = new ArrayList<>();
        Map<String, BusinessCalendar> calendars = read(dir, problems);
        if (!problems.isEmpty()) {
            throw new WorkbenchConfigException(dir, problems);
        }
        return calendars;
    }

    /**
     * Reads {@code dir/calendars.yaml}, adding each problem to {@code problems} (so a caller can
     * report them with those of the other workbench files) and returning the calendars that have none.
     */
    public Map<String, BusinessCalendar> read(Path dir, List<String> problems) {
        Path file = dir.resolve(FILE);
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            problems.add(FILE + ": file not found in " + dir.toAbsolutePath());
            return Map.of();
        } catch (IOException e) {
            problems.add(FILE + ": cannot read: " + e.getMessage());
            return Map.of();
        }
        return parse(text, problems);
    }

    /** Parses the text of a calendars.yaml, adding each problem to {@code problems}. */
    public Map<String, BusinessCalendar> parse(String yaml, List<String> problems) {
        JsonNode root;
        try {
            root = YAML.readTree(yaml);
        } catch (JacksonException e) {
            String line = e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")";
            Matcher duplicate = DUPLICATE.matcher(String.valueOf(e.getOriginalMessage()));
            problems.add(FILE + ": " + (duplicate.find()
                    ? "'" + duplicate.group(1) + "' is given twice in the same mapping" + line
                            + "; each calendar, day and field can be given once"
                    : e.getOriginalMessage() + line));
            return Map.of();
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            problems.add(FILE + ": the file is empty");
            return Map.of();
        }
        if (!root.isObject()) {
            problems.add(FILE + ": expected a mapping with a 'calendars' section");
            return Map.of();
        }
        for (String field : root.propertyNames()) {
            if (!field.equals("calendars")) {
                problems.add(FILE + ": unknown top-level field '" + field + "'; expected 'calendars'");
            }
        }
        JsonNode calendars = root.get("calendars");
        if (calendars == null || calendars.isNull()) {
            problems.add(FILE + ": the 'calendars' section is missing");
            return Map.of();
        }
        if (!calendars.isObject() || calendars.isEmpty()) {
            problems.add(FILE + ": calendars must map each calendar's name to its zone, weekly hours,"
                    + " holidays and special days");
            return Map.of();
        }
        Map<String, BusinessCalendar> result = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> entry : calendars.properties()) {
            BusinessCalendar calendar = new CalendarReader(entry.getKey(), problems).read(entry.getValue());
            if (calendar != null) {
                result.put(entry.getKey(), calendar);
            }
        }
        return Collections.unmodifiableMap(result);
    }

    /** Checks one calendar; returns null when it has problems. */
    private static final class CalendarReader {
        private final String name;
        private final List<String> problems;
        private final int problemsBefore;

        CalendarReader(String name, List<String> problems) {
            this.name = name;
            this.problems = problems;
            this.problemsBefore = problems.size();
        }

        private void problem(String path, String message) {
            problems.add(FILE + ": " + path + ": " + message);
        }

        BusinessCalendar read(JsonNode node) {
            if (!NAME.matcher(name).matches()) {
                problem(name, "'" + name + "' is not a usable calendar name; use letters, digits, '-' and '_'");
            }
            if (node == null || !node.isObject()) {
                problem(name, "expected a mapping with zone, weekly, holidays and specialDays");
                return null;
            }
            unknownFields(node, name, CALENDAR_FIELDS);
            ZoneId zone = zone(node.get("zone"));
            Map<DayOfWeek, List<BusinessCalendar.TimeRange>> weekly = weekly(node.get("weekly"));
            Map<LocalDate, String> holidays = new TreeMap<>();
            Map<LocalDate, String> holidayWhere = new HashMap<>();
            Map<LocalDate, BusinessCalendar.SpecialDay> specialDays = new TreeMap<>();
            JsonNode holidayList = list(node.get("holidays"), name + ".holidays");
            for (int i = 0; holidayList != null && i < holidayList.size(); i++) {
                holiday(holidayList.get(i), name + ".holidays[" + i + "]", holidays, holidayWhere);
            }
            Map<LocalDate, String> specialWhere = new HashMap<>();
            JsonNode specialList = list(node.get("specialDays"), name + ".specialDays");
            for (int i = 0; specialList != null && i < specialList.size(); i++) {
                specialDay(specialList.get(i), name + ".specialDays[" + i + "]", holidays, specialDays, specialWhere);
            }
            if (problems.size() > problemsBefore) {
                return null;
            }
            return new BusinessCalendar(name, zone, weekly, holidays, specialDays);
        }

        private ZoneId zone(JsonNode node) {
            String path = name + ".zone";
            if (node == null || node.isNull()) {
                problems.add(FILE + ": " + path + " is missing; give a time zone such as Asia/Shanghai");
                return null;
            }
            String text = node.isValueNode() ? node.asString() : node.toString();
            try {
                return ZoneId.of(text.trim());
            } catch (DateTimeException e) {
                problem(path, "'" + text + "' is not a time zone; use a region such as Asia/Shanghai or Europe/Berlin");
                return null;
            }
        }

        private Map<DayOfWeek, List<BusinessCalendar.TimeRange>> weekly(JsonNode node) {
            String path = name + ".weekly";
            Map<DayOfWeek, List<BusinessCalendar.TimeRange>> days = new EnumMap<>(DayOfWeek.class);
            if (node == null || node.isNull()) {
                problems.add(FILE + ": " + path + " is missing; give opening hours per day, e.g. weekdays: [09:00-21:00]");
                return days;
            }
            if (!node.isObject()) {
                problem(path, "expected a mapping of days to hours, e.g. weekdays: [09:00-21:00]");
                return days;
            }
            // apply daily first, then weekdays/weekend, then single days: the most specific wins
            for (int precedence = 0; precedence < 3; precedence++) {
                for (Map.Entry<String, JsonNode> e : node.properties()) {
                    String key = e.getKey();
                    Set<DayOfWeek> group = DAY_GROUPS.get(key);
                    if (group == null) {
                        if (precedence == 0) {
                            problem(path + "." + key, "unknown day; use monday..sunday, weekdays, weekend or daily");
                        }
                        continue;
                    }
                    int level = key.equals("daily") ? 0 : group.size() > 1 ? 1 : 2;
                    if (level != precedence) {
                        continue;
                    }
                    List<BusinessCalendar.TimeRange> ranges = ranges(e.getValue(), path + "." + key, true);
                    group.forEach(d -> days.put(d, ranges));
                }
            }
            return days;
        }

        /** A single range, a list of ranges, or (when allowed) nothing for closed. */
        private List<BusinessCalendar.TimeRange> ranges(JsonNode node, String path, boolean emptyMeansClosed) {
            List<BusinessCalendar.TimeRange> ranges = new ArrayList<>();
            if (node == null || node.isNull() || (node.isArray() && node.isEmpty())) {
                if (!emptyMeansClosed) {
                    problems.add(FILE + ": " + path + " is missing; list at least one range such as 09:00-21:00"
                            + " (a date closed all day belongs in holidays)");
                }
                return ranges;
            }
            if (node.isArray()) {
                List<String> paths = new ArrayList<>();
                for (int i = 0; i < node.size(); i++) {
                    String itemPath = path + "[" + i + "]";
                    BusinessCalendar.TimeRange r = range(node.get(i), itemPath);
                    if (r == null) {
                        continue;
                    }
                    for (int j = 0; j < ranges.size(); j++) {
                        if (ranges.get(j).overlaps(r)) {
                            problem(itemPath, "'" + r + "' overlaps '" + ranges.get(j) + "' (" + paths.get(j) + ")");
                        }
                    }
                    ranges.add(r);
                    paths.add(itemPath);
                }
            } else {
                BusinessCalendar.TimeRange r = range(node, path);
                if (r != null) {
                    ranges.add(r);
                }
            }
            return ranges;
        }

        private BusinessCalendar.TimeRange range(JsonNode node, String path) {
            if (!node.isValueNode() || node.isNull()) {
                problem(path, "expected a range such as 09:00-21:00, not " + (node.isNull() ? "nothing" : node.toString()));
                return null;
            }
            try {
                return BusinessCalendar.TimeRange.parse(node.asString());
            } catch (IllegalArgumentException e) {
                problem(path, e.getMessage());
                return null;
            }
        }

        private JsonNode list(JsonNode node, String path) {
            if (node == null || node.isNull()) {
                return null;
            }
            if (!node.isArray()) {
                problem(path, "expected a list of entries, each on a line starting with '- '");
                return null;
            }
            return node;
        }

        /** The dates an entry covers: date, or from..to; null (with a problem) when unusable. */
        private List<LocalDate> dates(JsonNode entry, String path) {
            JsonNode date = entry.get("date");
            JsonNode from = entry.get("from");
            JsonNode to = entry.get("to");
            if (date != null && (from != null || to != null)) {
                problem(path, "give either date, or from and to, not both");
                return null;
            }
            if (date != null) {
                LocalDate d = date(date, path + ".date");
                return d == null ? null : List.of(d);
            }
            if (from == null && to == null) {
                problems.add(FILE + ": " + path + ".date is missing; give date, or from and to (YYYY-MM-DD)");
                return null;
            }
            if (from == null || to == null) {
                problems.add(FILE + ": " + path + "." + (from == null ? "from" : "to") + " is missing; give both from and to");
                return null;
            }
            LocalDate first = date(from, path + ".from");
            LocalDate last = date(to, path + ".to");
            if (first == null || last == null) {
                return null;
            }
            if (last.isBefore(first)) {
                problem(path, "to " + last + " is before from " + first);
                return null;
            }
            long days = ChronoUnit.DAYS.between(first, last) + 1;
            if (days > MAX_SPAN_DAYS) {
                problem(path, "from " + first + " to " + last + " spans " + days + " days; at most " + MAX_SPAN_DAYS);
                return null;
            }
            return first.datesUntil(last.plusDays(1)).toList();
        }

        private LocalDate date(JsonNode node, String path) {
            String text = node.isValueNode() ? node.asString() : node.toString();
            try {
                return LocalDate.parse(text.trim());
            } catch (DateTimeParseException e) {
                problem(path, "'" + text + "' is not a date; write it as YYYY-MM-DD");
                return null;
            }
        }

        private String entryName(JsonNode entry, String path) {
            JsonNode n = entry.get("name");
            if (n == null || n.isNull() || !n.isValueNode() || n.asString().isBlank()) {
                problems.add(FILE + ": " + path + ".name is missing; it explains why the queue is closed or open");
                return null;
            }
            return n.asString().trim();
        }

        private void holiday(JsonNode entry, String path, Map<LocalDate, String> holidays, Map<LocalDate, String> where) {
            if (entry == null || !entry.isObject()) {
                problem(path, "expected { name: ..., date: YYYY-MM-DD } or { name: ..., from: ..., to: ... }");
                return;
            }
            unknownFields(entry, path, HOLIDAY_FIELDS);
            String holidayName = entryName(entry, path);
            List<LocalDate> dates = dates(entry, path);
            if (holidayName == null || dates == null) {
                return;
            }
            for (LocalDate d : dates) {
                String before = holidays.putIfAbsent(d, holidayName);
                if (before != null) {
                    problem(path, d + " is already a holiday (" + before + ", " + where.get(d) + ")");
                } else {
                    where.put(d, path.substring(name.length() + 1));
                }
            }
        }

        private void specialDay(JsonNode entry, String path, Map<LocalDate, String> holidays,
                Map<LocalDate, BusinessCalendar.SpecialDay> specialDays, Map<LocalDate, String> where) {
            if (entry == null || !entry.isObject()) {
                problem(path, "expected { name: ..., date: YYYY-MM-DD, hours: [09:00-21:00] }");
                return;
            }
            unknownFields(entry, path, SPECIAL_DAY_FIELDS);
            String dayName = entryName(entry, path);
            List<LocalDate> dates = dates(entry, path);
            int before = problems.size();
            List<BusinessCalendar.TimeRange> hours = ranges(entry.get("hours"), path + ".hours", false);
            if (dayName == null || dates == null || problems.size() > before) {
                return;
            }
            for (LocalDate d : dates) {
                if (holidays.containsKey(d)) {
                    problem(path, d + " is also a holiday (" + holidays.get(d) + "); a date is either closed"
                            + " all day or has special hours");
                } else if (specialDays.containsKey(d)) {
                    problem(path, d + " is already a special day (" + specialDays.get(d).name() + ", " + where.get(d) + ")");
                } else {
                    specialDays.put(d, new BusinessCalendar.SpecialDay(dayName, hours));
                    where.put(d, path.substring(name.length() + 1));
                }
            }
        }

        private void unknownFields(JsonNode node, String path, List<String> known) {
            for (String field : node.propertyNames()) {
                if (!known.contains(field)) {
                    problem(path + "." + field, "unknown field; expected " + String.join(", ", known));
                }
            }
        }
    }

    private static Map<String, Set<DayOfWeek>> dayGroups() {
        Map<String, Set<DayOfWeek>> groups = new LinkedHashMap<>();
        for (DayOfWeek d : DayOfWeek.values()) {
            groups.put(d.name().toLowerCase(Locale.ROOT), EnumSet.of(d));
        }
        groups.put("weekdays", EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY));
        groups.put("weekend", EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY));
        groups.put("daily", EnumSet.allOf(DayOfWeek.class));
        return Collections.unmodifiableMap(groups);
    }
}
