package io.convrouter.workbench;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.zone.ZoneOffsetTransition;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * When a queue is staffed: weekly opening hours in a time zone, holidays (closed all day) and
 * special days (their own hours instead of the weekly ones). Plain Java; the caller passes the
 * instant (from its injected {@code Clock}), so the same calendar works in virtual time.
 *
 * <p>Rules, in the calendar's own time zone:
 * <ul>
 *   <li>A range such as {@code 09:00-21:00} is open from its start (inclusive) to its end
 *       (exclusive). {@code 24:00} ends a range at the following midnight; an end at or before the
 *       start ({@code 22:00-02:00}) runs overnight into the next day.</li>
 *   <li>A range belongs to the day it starts on. A holiday cancels the ranges that start on it; a
 *       special day replaces that day's weekly ranges. An overnight range from the day before
 *       still runs to its end.</li>
 *   <li>Ranges that touch or overlap, also across midnight, form one open period: a calendar open
 *       {@code 00:00-24:00} every day never closes.</li>
 *   <li>Daylight saving: a time that the clock skips (spring forward) means the moment the clock
 *       reaches it, i.e. the end of the gap; a time that occurs twice (fall back) means its first
 *       occurrence. A range is one contiguous stretch of real time between those two moments.</li>
 * </ul>
 */
public final class BusinessCalendar {

    /** How far {@link #nextOpening} and {@link #nextClosing} look ahead, in days. */
    public static final int HORIZON_DAYS = 370;

    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm");

    private final String name;
    private final ZoneId zone;
    private final Map<DayOfWeek, List<TimeRange>> weekly;
    private final NavigableMap<LocalDate, String> holidays;
    private final NavigableMap<LocalDate, SpecialDay> specialDays;

    /**
     * @param weekly      opening ranges per weekday; a missing day is closed
     * @param holidays    dates closed all day, with the holiday's name
     * @param specialDays dates with their own ranges; a date cannot be both a holiday and a special day
     */
    public BusinessCalendar(String name, ZoneId zone, Map<DayOfWeek, List<TimeRange>> weekly,
            Map<LocalDate, String> holidays, Map<LocalDate, SpecialDay> specialDays) {
        this.name = Objects.requireNonNull(name, "name");
        this.zone = Objects.requireNonNull(zone, "zone");
        EnumMap<DayOfWeek, List<TimeRange>> days = new EnumMap<>(DayOfWeek.class);
        for (DayOfWeek day : DayOfWeek.values()) {
            days.put(day, sorted(weekly.getOrDefault(day, List.of())));
        }
        this.weekly = Collections.unmodifiableMap(days);
        this.holidays = Collections.unmodifiableNavigableMap(new TreeMap<>(holidays));
        TreeMap<LocalDate, SpecialDay> special = new TreeMap<>();
        specialDays.forEach((date, day) -> {
            if (this.holidays.containsKey(date)) {
                throw new IllegalArgumentException(date + " is both a holiday (" + this.holidays.get(date)
                        + ") and a special day (" + day.name() + ")");
            }
            special.put(date, new SpecialDay(day.name(), sorted(day.hours())));
        });
        this.specialDays = Collections.unmodifiableNavigableMap(special);
    }

    public static Builder builder(String name, ZoneId zone) {
        return new Builder(name, zone);
    }

    public String name() {
        return name;
    }

    public ZoneId zone() {
        return zone;
    }

    /** Opening ranges per weekday (every day present; closed days have an empty list). */
    public Map<DayOfWeek, List<TimeRange>> weekly() {
        return weekly;
    }

    public NavigableMap<LocalDate, String> holidays() {
        return holidays;
    }

    public NavigableMap<LocalDate, SpecialDay> specialDays() {
        return specialDays;
    }

    /** The ranges that start on this local date: none on a holiday, a special day's own, else the weekly ones. */
    public List<TimeRange> hoursOn(LocalDate date) {
        if (holidays.containsKey(date)) {
            return List.of();
        }
        SpecialDay special = specialDays.get(date);
        return special != null ? special.hours() : weekly.get(date.getDayOfWeek());
    }

    /** Open at this instant: inside a range, start inclusive, end exclusive. */
    public boolean isOpen(Instant at) {
        return spanAt(at) != null;
    }

    /**
     * The next moment strictly after {@code after} at which the calendar goes from closed to open,
     * looking {@value #HORIZON_DAYS} days ahead. While open, that is the opening after the current
     * open period; use {@link #openAtOrAfter} for "now if open, else the next opening".
     */
    public Optional<Instant> nextOpening(Instant after) {
        return scan(after, true);
    }

    /**
     * The next moment strictly after {@code after} at which the calendar goes from open to closed,
     * looking {@value #HORIZON_DAYS} days ahead; empty when it stays open (a 24x7 calendar). While
     * closed, that is the end of the next open period.
     */
    public Optional<Instant> nextClosing(Instant after) {
        return scan(after, false);
    }

    /** {@code at} itself when open, else the next opening (empty if none within the horizon). */
    public Optional<Instant> openAtOrAfter(Instant at) {
        return isOpen(at) ? Optional.of(at) : nextOpening(at);
    }

    /**
     * Why the calendar is open or closed at this instant and until when, for people, e.g.
     * {@code closed: Spring Festival holiday until 2027-02-13 09:00 Asia/Shanghai} or
     * {@code open: business hours until 2027-02-05 21:00 Asia/Shanghai}.
     */
    public String describeAt(Instant at) {
        Span open = spanAt(at);
        if (open != null) {
            String label = open.specialDay() == null ? "business hours" : open.specialDay();
            return nextClosing(at)
                    .map(c -> "open: " + label + " until " + format(c))
                    .orElse("open: " + label + ", no closing in the next " + HORIZON_DAYS + " days");
        }
        LocalDate day = at.atZone(zone).toLocalDate();
        String reason;
        String holiday = holidays.get(day);
        if (holiday != null) {
            reason = holidayLabel(holiday);
        } else if (specialDays.containsKey(day)) {
            reason = "outside the hours of " + specialDays.get(day).name();
        } else {
            reason = "outside business hours";
        }
        Optional<Instant> opens = nextOpening(at);
        if (opens.isEmpty()) {
            return "closed: " + reason + ", no opening in the next " + HORIZON_DAYS + " days";
        }
        LocalDate opening = opens.get().atZone(zone).toLocalDate();
        Set<String> later = new LinkedHashSet<>();
        if (day.plusDays(1).isBefore(opening)) {
            holidays.subMap(day.plusDays(1), true, opening, false).values().stream()
                    .filter(h -> !h.equals(holiday))
                    .forEach(h -> later.add(holidayLabel(h)));
        }
        String then = later.isEmpty() ? "" : ", then " + String.join(", then ", later) + ",";
        return "closed: " + reason + then + " until " + format(opens.get());
    }

    /** An instant as the calendar's local time, e.g. {@code 2027-02-13 09:00 Asia/Shanghai}. */
    public String format(Instant at) {
        ZonedDateTime local = at.atZone(zone);
        String text = local.format(WHEN) + " " + zone.getId();
        if (zone.getRules().getValidOffsets(local.toLocalDateTime()).size() > 1) {
            text += " (UTC" + local.getOffset().getId() + ")"; // the hour that occurs twice
        }
        return text;
    }

    @Override
    public String toString() {
        return "BusinessCalendar[" + name + ", " + zone + ", weekly=" + weekly + ", " + holidays.size()
                + " holiday date(s), " + specialDays.size() + " special day(s)]";
    }

    private static String holidayLabel(String name) {
        return name.toLowerCase(Locale.ROOT).endsWith("holiday") ? name : name + " holiday";
    }

    // ---- open periods ---------------------------------------------------------------------

    /** One range on one date, in real time; {@code specialDay} names the special day it comes from. */
    private record Span(Instant start, Instant end, String specialDay) {}

    private List<Span> spansStartingOn(LocalDate date) {
        List<TimeRange> ranges = hoursOn(date);
        if (ranges.isEmpty()) {
            return List.of();
        }
        SpecialDay special = specialDays.get(date);
        String label = special == null ? null : special.name();
        List<Span> spans = new ArrayList<>(ranges.size());
        for (TimeRange r : ranges) {
            Instant start = instantOf(date.atTime(r.start()));
            Instant end = instantOf((r.endsNextDay() ? date.plusDays(1) : date).atTime(r.end()));
            if (start.isBefore(end)) { // a range inside a skipped hour is empty
                spans.add(new Span(start, end, label));
            }
        }
        return spans;
    }

    /** The first moment the wall clock reads this local time (end of the gap when it is skipped). */
    private Instant instantOf(LocalDateTime local) {
        List<ZoneOffset> offsets = zone.getRules().getValidOffsets(local);
        if (offsets.isEmpty()) {
            ZoneOffsetTransition gap = zone.getRules().getTransition(local);
            return gap.getInstant();
        }
        return local.toInstant(offsets.get(0)); // the earlier offset is the first occurrence
    }

    private Span spanAt(Instant at) {
        LocalDate day = at.atZone(zone).toLocalDate();
        Span found = null;
        // a range starting on day-2 ends before day 00:00, one starting on day+1 starts after `at`
        for (LocalDate d = day.minusDays(1); !d.isAfter(day); d = d.plusDays(1)) {
            for (Span s : spansStartingOn(d)) {
                if (!at.isBefore(s.start()) && at.isBefore(s.end())
                        && (found == null || s.end().isAfter(found.end()))) {
                    found = s;
                }
            }
        }
        return found;
    }

    /**
     * Walks the ranges in order of start, merging those that touch or overlap into open periods,
     * and returns the first period start (opening) or end (closing) strictly after {@code after}.
     */
    private Optional<Instant> scan(Instant after, boolean opening) {
        LocalDate today = after.atZone(zone).toLocalDate();
        LocalDate last = today.plusDays(HORIZON_DAYS);
        Instant periodEnd = null;
        boolean pastHorizon = false;
        // Start a day early: a period containing `after` may have started yesterday. Earlier days
        // cannot reach `after`, and only period ends after `after` matter for closings.
        for (LocalDate d = today.minusDays(1); !d.isAfter(last.plusDays(1)); d = d.plusDays(1)) {
            boolean beyond = d.isAfter(last);
            for (Span s : spansStartingOn(d)) {
                if (periodEnd != null && !s.start().isAfter(periodEnd)) {
                    if (s.end().isAfter(periodEnd)) {
                        periodEnd = s.end();
                        pastHorizon = beyond;
                    }
                    continue;
                }
                // a gap before s: the period so far closed at periodEnd and s opens a new one
                if (!opening && periodEnd != null && periodEnd.isAfter(after)) {
                    return Optional.of(periodEnd);
                }
                if (beyond) {
                    return Optional.empty();
                }
                if (opening && s.start().isAfter(after)) {
                    return Optional.of(s.start());
                }
                periodEnd = s.end();
            }
        }
        if (!opening && periodEnd != null && periodEnd.isAfter(after) && !pastHorizon) {
            return Optional.of(periodEnd);
        }
        return Optional.empty();
    }

    private static List<TimeRange> sorted(List<TimeRange> ranges) {
        List<TimeRange> copy = new ArrayList<>(ranges);
        copy.sort(Comparator.comparing(TimeRange::start));
        return List.copyOf(copy);
    }

    // ---- values ---------------------------------------------------------------------------

    /** A special day's name and its own opening ranges. */
    public record SpecialDay(String name, List<TimeRange> hours) {
        public SpecialDay {
            Objects.requireNonNull(name, "name");
            hours = List.copyOf(hours);
        }
    }

    /**
     * Opening hours on one day: from {@code start} (inclusive) to {@code end} (exclusive), where
     * {@code endsNextDay} means the end falls on the following day ({@code 24:00} is
     * {@code 00:00} of the next day; {@code 22:00-02:00} runs overnight).
     */
    public record TimeRange(LocalTime start, LocalTime end, boolean endsNextDay) {

        private static final Pattern RANGE = Pattern.compile("\\s*([^-\\s]+)\\s*-\\s*([^-\\s]+)\\s*");
        private static final Pattern TIME = Pattern.compile("(\\d{1,2}):(\\d{2})");

        public TimeRange {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(end, "end");
            if (!endsNextDay && !end.isAfter(start)) {
                throw new IllegalArgumentException("a range ending on its own day must end after it starts");
            }
            if (endsNextDay && end.isAfter(start)) {
                throw new IllegalArgumentException("a range may last at most 24 hours");
            }
        }

        /**
         * Parses {@code HH:mm-HH:mm}. The end may be {@code 24:00}; an end at or before the start
         * runs into the next day. Throws {@link IllegalArgumentException} with a message for ops,
         * such as {@code '25:00' is not a time of day}.
         */
        public static TimeRange parse(String text) {
            Matcher m = RANGE.matcher(text == null ? "" : text);
            if (!m.matches()) {
                throw new IllegalArgumentException("'" + text + "' is not a range; write it as HH:mm-HH:mm, e.g. 09:00-21:00");
            }
            String startText = m.group(1);
            String endText = m.group(2);
            if (isMidnightEnd(startText)) {
                throw new IllegalArgumentException("'" + startText + "' can only end a range, not start it");
            }
            LocalTime start = time(startText);
            if (isMidnightEnd(endText)) {
                return new TimeRange(start, LocalTime.MIDNIGHT, true);
            }
            LocalTime end = time(endText);
            if (end.equals(start)) {
                throw new IllegalArgumentException("'" + text.trim() + "' starts and ends at the same time;"
                        + " for the whole day write 00:00-24:00");
            }
            return new TimeRange(start, end, !end.isAfter(start));
        }

        private static boolean isMidnightEnd(String text) {
            return text.equals("24:00");
        }

        private static LocalTime time(String text) {
            Matcher m = TIME.matcher(text);
            if (m.matches()) {
                int hour = Integer.parseInt(m.group(1));
                int minute = Integer.parseInt(m.group(2));
                if (hour < 24 && minute < 60) {
                    return LocalTime.of(hour, minute);
                }
            }
            throw new IllegalArgumentException("'" + text + "' is not a time of day");
        }

        /** Minutes from the start of its day to the start and to the end (up to 2880). */
        int startMinute() {
            return start.getHour() * 60 + start.getMinute();
        }

        int endMinute() {
            return end.getHour() * 60 + end.getMinute() + (endsNextDay ? 24 * 60 : 0);
        }

        /** Overlaps another range of the same day (touching is fine). */
        public boolean overlaps(TimeRange other) {
            return startMinute() < other.endMinute() && other.startMinute() < endMinute();
        }

        @Override
        public String toString() {
            String endText = endsNextDay && end.equals(LocalTime.MIDNIGHT) ? "24:00" : end.toString();
            return start + "-" + endText;
        }
    }

    /** Builds a calendar in code (tests, simulations); ranges are written as in calendars.yaml. */
    public static final class Builder {
        private final String name;
        private final ZoneId zone;
        private final Map<DayOfWeek, List<TimeRange>> weekly = new EnumMap<>(DayOfWeek.class);
        private final Map<LocalDate, String> holidays = new TreeMap<>();
        private final Map<LocalDate, SpecialDay> specialDays = new TreeMap<>();

        private Builder(String name, ZoneId zone) {
            this.name = name;
            this.zone = zone;
        }

        /** Sets the ranges of these weekdays (replacing earlier ones); no ranges means closed. */
        public Builder hours(Set<DayOfWeek> days, String... ranges) {
            List<TimeRange> parsed = parse(ranges);
            days.forEach(d -> weekly.put(d, parsed));
            return this;
        }

        public Builder hours(DayOfWeek day, String... ranges) {
            return hours(Set.of(day), ranges);
        }

        public Builder weekdays(String... ranges) {
            return hours(EnumSet.range(DayOfWeek.MONDAY, DayOfWeek.FRIDAY), ranges);
        }

        public Builder weekend(String... ranges) {
            return hours(EnumSet.of(DayOfWeek.SATURDAY, DayOfWeek.SUNDAY), ranges);
        }

        public Builder daily(String... ranges) {
            return hours(EnumSet.allOf(DayOfWeek.class), ranges);
        }

        public Builder holiday(LocalDate date, String holidayName) {
            return holidays(date, date, holidayName);
        }

        /** Every date from {@code from} to {@code to}, both included, is a holiday. */
        public Builder holidays(LocalDate from, LocalDate to, String holidayName) {
            for (LocalDate d = from; !d.isAfter(to); d = d.plusDays(1)) {
                holidays.put(d, holidayName);
            }
            return this;
        }

        public Builder specialDay(LocalDate date, String dayName, String... ranges) {
            specialDays.put(date, new SpecialDay(dayName, parse(ranges)));
            return this;
        }

        public BusinessCalendar build() {
            return new BusinessCalendar(name, zone, weekly, holidays, specialDays);
        }

        private static List<TimeRange> parse(String... ranges) {
            return Arrays.stream(ranges).map(TimeRange::parse).toList();
        }
    }
}
