package io.convrouter.workbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CalendarsLoaderTest {

    static final Path WORKBENCH_DIR = Path.of("../workbench-config");
    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");

    static Instant sh(String local) {
        return LocalDateTime.parse(local).atZone(SHANGHAI).toInstant();
    }

    /** Parses the text and returns the problems found. */
    static List<String> problems(String yaml) {
        List<String> problems = new ArrayList<>();
        new CalendarsLoader().parse(yaml, problems);
        return problems;
    }

    /** A calendar named "standard" with these lines (indented four spaces) after its zone. */
    static List<String> problemsIn(String calendarBody) {
        return problems("calendars:\n  standard:\n    zone: Asia/Shanghai\n" + calendarBody);
    }

    @Nested
    class ShippedCalendars {
        final Map<String, BusinessCalendar> calendars = new CalendarsLoader().load(WORKBENCH_DIR);

        @Test
        void loadWithoutProblems() {
            assertThat(calendars).containsOnlyKeys("standard", "24x7", "vip");
            assertThat(calendars.values()).allSatisfy(c -> assertThat(c.zone()).isEqualTo(SHANGHAI));
        }

        @Test
        void standardHours() {
            BusinessCalendar standard = calendars.get("standard");
            assertThat(standard.weekly().get(DayOfWeek.MONDAY)).hasToString("[09:00-21:00]");
            assertThat(standard.weekly().get(DayOfWeek.FRIDAY)).hasToString("[09:00-21:00]");
            assertThat(standard.weekly().get(DayOfWeek.SATURDAY)).hasToString("[10:00-18:00]");
            assertThat(standard.weekly().get(DayOfWeek.SUNDAY)).hasToString("[10:00-18:00]");
            assertThat(standard.isOpen(sh("2027-03-03T09:00"))).isTrue();
            assertThat(standard.isOpen(sh("2027-03-06T09:30"))).isFalse();
            assertThat(standard.isOpen(sh("2027-03-06T10:00"))).isTrue();
        }

        @Test
        void standardStatutoryHolidays2027() {
            BusinessCalendar standard = calendars.get("standard");
            assertThat(standard.holidays()).containsOnlyKeys(
                    date("2027-01-01"),
                    date("2027-02-05"), date("2027-02-06"), date("2027-02-07"), date("2027-02-08"),
                    date("2027-04-05"),
                    date("2027-05-01"), date("2027-05-02"),
                    date("2027-06-09"),
                    date("2027-09-15"),
                    date("2027-10-01"), date("2027-10-02"), date("2027-10-03"));
            assertThat(standard.describeAt(sh("2027-02-06T11:00")))
                    .isEqualTo("closed: Spring Festival holiday until 2027-02-09 09:00 Asia/Shanghai");
            assertThat(standard.describeAt(sh("2027-10-02T11:00")))
                    .isEqualTo("closed: National Day holiday until 2027-10-04 09:00 Asia/Shanghai");
            assertThat(standard.nextOpening(sh("2027-04-02T21:00"))).contains(sh("2027-04-03T10:00"));
            assertThat(standard.nextOpening(sh("2027-04-04T18:00"))).contains(sh("2027-04-06T09:00"));
        }

        @Test
        void standardShoppingFestivals() {
            BusinessCalendar standard = calendars.get("standard");
            assertThat(standard.isOpen(sh("2027-11-11T08:00"))).isTrue();
            assertThat(standard.isOpen(sh("2027-11-11T23:59"))).isTrue();
            assertThat(standard.describeAt(sh("2027-06-18T22:00")))
                    .isEqualTo("open: 618 shopping festival until 2027-06-19 00:00 Asia/Shanghai");
        }

        @Test
        void alwaysOpen() {
            BusinessCalendar always = calendars.get("24x7");
            assertThat(always.isOpen(sh("2027-02-06T03:00"))).isTrue();
            assertThat(always.nextClosing(sh("2027-02-06T03:00"))).isEmpty();
        }

        @Test
        void vipDailyIncludingHolidays() {
            BusinessCalendar vip = calendars.get("vip");
            assertThat(vip.isOpen(sh("2027-02-06T07:59"))).isFalse();
            assertThat(vip.isOpen(sh("2027-02-06T08:00"))).isTrue();
            assertThat(vip.isOpen(sh("2027-10-01T23:59:59"))).isTrue();
            assertThat(vip.nextClosing(sh("2027-10-01T12:00"))).contains(sh("2027-10-02T00:00"));
            assertThat(vip.holidays()).isEmpty();
        }
    }

    @Nested
    class Format {

        @Test
        void everyWayOfWritingHours() {
            List<String> problems = new ArrayList<>();
            Map<String, BusinessCalendar> calendars = new CalendarsLoader().parse("""
                    calendars:
                      berlin-support:
                        zone: Europe/Berlin
                        weekly:
                          daily: [10:00-16:00]
                          weekdays: [08:00-12:00, "13:00-18:00"]
                          friday: 08:00-14:00
                          sunday: []
                        holidays:
                          - { name: German Unity Day, date: 2027-10-03 }
                          - name: Christmas
                            from: 2027-12-24
                            to: 2027-12-26
                        specialDays:
                          - { name: Stocktaking, date: 2027-06-30, hours: 07:00-10:00 }
                          - { name: Inventory week, from: 2027-07-05, to: 2027-07-06, hours: [12:00-24:00] }
                    """, problems);
            assertThat(problems).isEmpty();
            BusinessCalendar c = calendars.get("berlin-support");
            assertThat(c.name()).isEqualTo("berlin-support");
            assertThat(c.weekly().get(DayOfWeek.MONDAY)).hasToString("[08:00-12:00, 13:00-18:00]");
            assertThat(c.weekly().get(DayOfWeek.FRIDAY)).hasToString("[08:00-14:00]");
            assertThat(c.weekly().get(DayOfWeek.SATURDAY)).hasToString("[10:00-16:00]");
            assertThat(c.weekly().get(DayOfWeek.SUNDAY)).isEmpty();
            assertThat(c.holidays()).containsEntry(date("2027-12-25"), "Christmas").hasSize(4);
            assertThat(c.hoursOn(date("2027-06-30"))).hasToString("[07:00-10:00]");
            assertThat(c.hoursOn(date("2027-07-06"))).hasToString("[12:00-24:00]");
            assertThat(c.specialDays().get(date("2027-07-05")).name()).isEqualTo("Inventory week");
        }
    }

    @Nested
    class BadInput {

        @Test
        void timeOutOfRange() {
            assertThat(problemsIn("""
                        weekly:
                          monday: [09:00-12:00, 13:00-25:00]
                    """)).containsExactly("calendars.yaml: standard.weekly.monday[1]: '25:00' is not a time of day");
        }

        @Test
        void notARange() {
            assertThat(problemsIn("""
                        weekly:
                          weekdays: 09:00
                          weekend: [10:00 to 18:00]
                    """)).containsExactly(
                    "calendars.yaml: standard.weekly.weekdays: '09:00' is not a range; write it as HH:mm-HH:mm, e.g. 09:00-21:00",
                    "calendars.yaml: standard.weekly.weekend[0]: '10:00 to 18:00' is not a range; write it as HH:mm-HH:mm, e.g. 09:00-21:00");
        }

        @Test
        void rangeThatIsNotText() {
            assertThat(problemsIn("""
                        weekly:
                          monday: [{ from: 09:00, to: 18:00 }]
                    """)).containsExactly(
                    "calendars.yaml: standard.weekly.monday[0]: expected a range such as 09:00-21:00, not {\"from\":\"09:00\",\"to\":\"18:00\"}");
        }

        @Test
        void midnightCanOnlyEndARange() {
            assertThat(problemsIn("""
                        weekly:
                          saturday: [24:00-02:00]
                    """)).containsExactly("calendars.yaml: standard.weekly.saturday[0]: '24:00' can only end a range, not start it");
        }

        @Test
        void emptyRange() {
            assertThat(problemsIn("""
                        weekly:
                          daily: [00:00-00:00]
                    """)).containsExactly("calendars.yaml: standard.weekly.daily[0]: '00:00-00:00' starts and ends at the same time;"
                    + " for the whole day write 00:00-24:00");
        }

        @Test
        void overlappingRanges() {
            assertThat(problemsIn("""
                        weekly:
                          tuesday: [09:00-12:00, 11:30-14:00, 12:00-13:00]
                    """)).containsExactly(
                    "calendars.yaml: standard.weekly.tuesday[1]: '11:30-14:00' overlaps '09:00-12:00' (standard.weekly.tuesday[0])",
                    "calendars.yaml: standard.weekly.tuesday[2]: '12:00-13:00' overlaps '11:30-14:00' (standard.weekly.tuesday[1])");
        }

        @Test
        void unknownDay() {
            assertThat(problemsIn("""
                        weekly:
                          mon: [09:00-18:00]
                    """)).containsExactly("calendars.yaml: standard.weekly.mon: unknown day; use monday..sunday, weekdays, weekend or daily");
        }

        @Test
        void weeklyMissingOrNotAMapping() {
            assertThat(problemsIn("")).containsExactly(
                    "calendars.yaml: standard.weekly is missing; give opening hours per day, e.g. weekdays: [09:00-21:00]");
            assertThat(problemsIn("    weekly: [09:00-18:00]\n")).containsExactly(
                    "calendars.yaml: standard.weekly: expected a mapping of days to hours, e.g. weekdays: [09:00-21:00]");
        }

        @Test
        void zoneMissingOrUnknown() {
            assertThat(problems("""
                    calendars:
                      standard:
                        weekly: { daily: [09:00-18:00] }
                      cn:
                        zone: Asia/Shanghia
                        weekly: { daily: [09:00-18:00] }
                    """)).containsExactly(
                    "calendars.yaml: standard.zone is missing; give a time zone such as Asia/Shanghai",
                    "calendars.yaml: cn.zone: 'Asia/Shanghia' is not a time zone; use a region such as Asia/Shanghai or Europe/Berlin");
        }

        @Test
        void unknownFields() {
            assertThat(problemsIn("""
                        weekly: { daily: [09:00-18:00] }
                        openHours: 24
                        holidays:
                          - { name: Spring Festival, day: 2027-02-06 }
                        specialDays:
                          - { name: Make-up, date: 2027-02-20, hours: [09:00-18:00], closed: false }
                    """)).containsExactly(
                    "calendars.yaml: standard.openHours: unknown field; expected description, zone, weekly, holidays, specialDays",
                    "calendars.yaml: standard.holidays[0].day: unknown field; expected name, date, from, to",
                    "calendars.yaml: standard.holidays[0].date is missing; give date, or from and to (YYYY-MM-DD)",
                    "calendars.yaml: standard.specialDays[0].closed: unknown field; expected name, date, from, to, hours");
        }

        @Test
        void badHolidays() {
            assertThat(problemsIn("""
                        weekly: { daily: [09:00-18:00] }
                        holidays:
                          - { name: Spring Festival, date: 2027-02-30 }
                          - { date: 2027-04-05 }
                          - { name: Labour Day, from: 2027-05-05, to: 2027-05-01 }
                          - { name: National Day, date: 2027-10-01, from: 2027-10-01, to: 2027-10-07 }
                          - { name: Dragon Boat, from: 2027-06-09 }
                          - { name: Sabbatical, from: 2027-01-01, to: 2028-12-31 }
                          - 2027-09-15
                    """)).containsExactly(
                    "calendars.yaml: standard.holidays[0].date: '2027-02-30' is not a date; write it as YYYY-MM-DD",
                    "calendars.yaml: standard.holidays[1].name is missing; it explains why the queue is closed or open",
                    "calendars.yaml: standard.holidays[2]: to 2027-05-01 is before from 2027-05-05",
                    "calendars.yaml: standard.holidays[3]: give either date, or from and to, not both",
                    "calendars.yaml: standard.holidays[4].to is missing; give both from and to",
                    "calendars.yaml: standard.holidays[5]: from 2027-01-01 to 2028-12-31 spans 731 days; at most 366",
                    "calendars.yaml: standard.holidays[6]: expected { name: ..., date: YYYY-MM-DD } or { name: ..., from: ..., to: ... }");
        }

        @Test
        void holidayDateTwice() {
            assertThat(problemsIn("""
                        weekly: { daily: [09:00-18:00] }
                        holidays:
                          - { name: Spring Festival, from: 2027-02-05, to: 2027-02-08 }
                          - { name: Lantern Festival, date: 2027-02-08 }
                    """)).containsExactly(
                    "calendars.yaml: standard.holidays[1]: 2027-02-08 is already a holiday (Spring Festival, holidays[0])");
        }

        @Test
        void holidaysNotAList() {
            assertThat(problemsIn("""
                        weekly: { daily: [09:00-18:00] }
                        holidays: { name: Spring Festival, date: 2027-02-06 }
                    """)).containsExactly(
                    "calendars.yaml: standard.holidays: expected a list of entries, each on a line starting with '- '");
        }

        @Test
        void badSpecialDays() {
            assertThat(problemsIn("""
                        weekly: { daily: [09:00-18:00] }
                        holidays:
                          - { name: Spring Festival, from: 2027-02-05, to: 2027-02-08 }
                        specialDays:
                          - { name: Make-up, date: 2027-02-20 }
                          - { name: Make-up, date: 2027-02-21, hours: [] }
                          - { name: Eve, date: 2027-02-05, hours: [09:00-12:00] }
                          - { name: Late, date: 2027-02-27, hours: [18:00-26:00] }
                          - { name: Stocktaking, date: 2027-03-01, hours: [09:00-12:00] }
                          - { name: Audit, date: 2027-03-01, hours: [13:00-15:00] }
                    """)).containsExactly(
                    "calendars.yaml: standard.specialDays[0].hours is missing; list at least one range such as 09:00-21:00"
                            + " (a date closed all day belongs in holidays)",
                    "calendars.yaml: standard.specialDays[1].hours is missing; list at least one range such as 09:00-21:00"
                            + " (a date closed all day belongs in holidays)",
                    "calendars.yaml: standard.specialDays[2]: 2027-02-05 is also a holiday (Spring Festival);"
                            + " a date is either closed all day or has special hours",
                    "calendars.yaml: standard.specialDays[3].hours[0]: '26:00' is not a time of day",
                    "calendars.yaml: standard.specialDays[5]: 2027-03-01 is already a special day (Stocktaking, specialDays[4])");
        }

        @Test
        void badCalendarNameAndShape() {
            assertThat(problems("""
                    calendars:
                      "after sales":
                        zone: Asia/Shanghai
                        weekly: { daily: [09:00-18:00] }
                      vip: daily 08:00-24:00
                    """)).containsExactly(
                    "calendars.yaml: after sales: 'after sales' is not a usable calendar name; use letters, digits, '-' and '_'",
                    "calendars.yaml: vip: expected a mapping with zone, weekly, holidays and specialDays");
        }

        @Test
        void fileLevelProblems() {
            assertThat(problems("")).containsExactly("calendars.yaml: the file is empty");
            assertThat(problems("# nothing yet\n")).containsExactly("calendars.yaml: the file is empty");
            assertThat(problems("calendar:\n  standard: {}\n")).containsExactly(
                    "calendars.yaml: unknown top-level field 'calendar'; expected 'calendars'",
                    "calendars.yaml: the 'calendars' section is missing");
            assertThat(problems("calendars: []\n")).containsExactly(
                    "calendars.yaml: calendars must map each calendar's name to its zone, weekly hours, holidays and special days");
            assertThat(problems("- standard\n")).containsExactly(
                    "calendars.yaml: expected a mapping with a 'calendars' section");
        }

        @Test
        void yamlSyntaxErrorNamesTheLine() {
            List<String> problems = problems("calendars:\n  standard:\n    zone: Asia/Shanghai\n    weekly: [09:00-18:00\n");
            assertThat(problems).singleElement().asString().startsWith("calendars.yaml: ").contains("(line ");
        }

        @Test
        void calendarDefinedTwice() {
            List<String> problems = problems("""
                    calendars:
                      standard: { zone: Asia/Shanghai, weekly: { daily: [09:00-18:00] } }
                      standard: { zone: Asia/Shanghai, weekly: { daily: [10:00-18:00] } }
                    """);
            assertThat(problems).containsExactly("calendars.yaml: 'standard' is given twice in the same mapping (line 3);"
                    + " each calendar, day and field can be given once");
            assertThat(problemsIn("""
                        weekly:
                          monday: [09:00-12:00]
                          monday: [13:00-18:00]
                    """)).containsExactly("calendars.yaml: 'monday' is given twice in the same mapping (line 6);"
                    + " each calendar, day and field can be given once");
        }

        @Test
        void everyProblemAtOnceAndGoodCalendarsStillRead() {
            List<String> problems = new ArrayList<>();
            Map<String, BusinessCalendar> calendars = new CalendarsLoader().parse("""
                    calendars:
                      standard:
                        zone: Asia/Shanghai
                        weekly:
                          monday: [09:00-12:00, 13:00-25:00]
                          tuesday: [9-18]
                        holidays:
                          - { name: Spring Festival, date: 2027-13-01 }
                      good:
                        zone: Asia/Shanghai
                        weekly: { daily: [09:00-18:00] }
                      berlin:
                        zone: Europe/Berlim
                        weekly: { daily: [09:00-18:00] }
                    """, problems);
            assertThat(problems).containsExactly(
                    "calendars.yaml: standard.weekly.monday[1]: '25:00' is not a time of day",
                    "calendars.yaml: standard.weekly.tuesday[0]: '9' is not a time of day",
                    "calendars.yaml: standard.holidays[0].date: '2027-13-01' is not a date; write it as YYYY-MM-DD",
                    "calendars.yaml: berlin.zone: 'Europe/Berlim' is not a time zone; use a region such as Asia/Shanghai or Europe/Berlin");
            assertThat(calendars).containsOnlyKeys("good");
        }
    }

    @Nested
    class FromADirectory {

        @Test
        void loadThrowsWithEveryProblem(@TempDir Path dir) throws Exception {
            Files.writeString(dir.resolve("calendars.yaml"), """
                    calendars:
                      standard:
                        zone: Mars/Olympus
                        weekly: { monday: [09:00-25:00] }
                    """);
            assertThatThrownBy(() -> new CalendarsLoader().load(dir))
                    .isInstanceOfSatisfying(WorkbenchConfigException.class, e -> assertThat(e.problems()).containsExactly(
                            "calendars.yaml: standard.zone: 'Mars/Olympus' is not a time zone; use a region such as Asia/Shanghai or Europe/Berlin",
                            "calendars.yaml: standard.weekly.monday[0]: '25:00' is not a time of day"))
                    .hasMessageContaining("has 2 problem(s)");
        }

        @Test
        void missingFile(@TempDir Path dir) {
            List<String> problems = new ArrayList<>();
            assertThat(new CalendarsLoader().read(dir, problems)).isEmpty();
            assertThat(problems).containsExactly("calendars.yaml: file not found in " + dir.toAbsolutePath());
        }

        @Test
        void loadsFromADirectory(@TempDir Path dir) throws Exception {
            Files.writeString(dir.resolve("calendars.yaml"), "calendars:\n  x: { zone: UTC, weekly: { daily: 00:00-24:00 } }\n");
            assertThat(new CalendarsLoader().load(dir).get("x").isOpen(Instant.parse("2027-01-01T00:00:00Z"))).isTrue();
        }
    }

    static LocalDate date(String text) {
        return LocalDate.parse(text);
    }
}
