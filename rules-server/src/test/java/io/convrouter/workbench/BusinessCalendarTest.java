package io.convrouter.workbench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;

class BusinessCalendarTest {

    static final ZoneId SHANGHAI = ZoneId.of("Asia/Shanghai");
    static final ZoneId BERLIN = ZoneId.of("Europe/Berlin");

    /** Local wall-clock time in Shanghai, e.g. "2027-02-05T09:00". */
    static Instant sh(String local) {
        return LocalDateTime.parse(local).atZone(SHANGHAI).toInstant();
    }

    static Instant utc(String iso) {
        return Instant.parse(iso);
    }

    static final Duration NANO = Duration.ofNanos(1);

    /** Mon-Fri 09:00-21:00, weekend closed. */
    static BusinessCalendar weekdaysOnly() {
        return BusinessCalendar.builder("office", SHANGHAI).weekdays("09:00-21:00").build();
    }

    @Nested
    class Boundaries {
        final BusinessCalendar cal = weekdaysOnly();

        @Test
        void startIsIncludedAndEndExcluded() {
            // 2027-03-03 is a Wednesday
            assertThat(cal.isOpen(sh("2027-03-03T09:00").minus(NANO))).isFalse();
            assertThat(cal.isOpen(sh("2027-03-03T09:00"))).isTrue();
            assertThat(cal.isOpen(sh("2027-03-03T21:00").minus(NANO))).isTrue();
            assertThat(cal.isOpen(sh("2027-03-03T21:00"))).isFalse();
        }

        @Test
        void nextOpeningAndClosingAreStrictlyAfter() {
            assertThat(cal.nextOpening(sh("2027-03-03T08:00"))).contains(sh("2027-03-03T09:00"));
            assertThat(cal.nextOpening(sh("2027-03-03T09:00").minus(NANO))).contains(sh("2027-03-03T09:00"));
            // at the opening itself and while open, the next opening is tomorrow's
            assertThat(cal.nextOpening(sh("2027-03-03T09:00"))).contains(sh("2027-03-04T09:00"));
            assertThat(cal.nextOpening(sh("2027-03-03T12:00"))).contains(sh("2027-03-04T09:00"));
            assertThat(cal.nextClosing(sh("2027-03-03T12:00"))).contains(sh("2027-03-03T21:00"));
            // at the closing itself, and while closed: the end of the next open period
            assertThat(cal.nextClosing(sh("2027-03-03T21:00"))).contains(sh("2027-03-04T21:00"));
            assertThat(cal.nextClosing(sh("2027-03-03T06:00"))).contains(sh("2027-03-03T21:00"));
        }

        @Test
        void openAtOrAfterIsNowWhenOpen() {
            assertThat(cal.openAtOrAfter(sh("2027-03-03T12:00"))).contains(sh("2027-03-03T12:00"));
            assertThat(cal.openAtOrAfter(sh("2027-03-03T22:00"))).contains(sh("2027-03-04T09:00"));
        }

        @Test
        void severalRangesPerDay() {
            BusinessCalendar lunch = BusinessCalendar.builder("lunch", SHANGHAI)
                    .weekdays("13:00-18:00", "09:00-12:00").build();
            assertThat(lunch.isOpen(sh("2027-03-03T11:59"))).isTrue();
            assertThat(lunch.isOpen(sh("2027-03-03T12:00"))).isFalse();
            assertThat(lunch.isOpen(sh("2027-03-03T13:00"))).isTrue();
            assertThat(lunch.nextClosing(sh("2027-03-03T10:00"))).contains(sh("2027-03-03T12:00"));
            assertThat(lunch.nextOpening(sh("2027-03-03T12:00"))).contains(sh("2027-03-03T13:00"));
            assertThat(lunch.describeAt(sh("2027-03-03T12:30")))
                    .isEqualTo("closed: outside business hours until 2027-03-03 13:00 Asia/Shanghai");
        }

        @Test
        void touchingRangesAreOneOpenPeriod() {
            BusinessCalendar shifts = BusinessCalendar.builder("shifts", SHANGHAI)
                    .weekdays("09:00-13:00", "13:00-18:00").build();
            assertThat(shifts.isOpen(sh("2027-03-03T13:00"))).isTrue();
            assertThat(shifts.nextClosing(sh("2027-03-03T10:00"))).contains(sh("2027-03-03T18:00"));
            assertThat(shifts.nextOpening(sh("2027-03-03T10:00"))).contains(sh("2027-03-04T09:00"));
        }
    }

    @Nested
    class MidnightAndOvernight {

        @Test
        void rangeEndingAt2400RunsToMidnightAndJoinsTheNextDay() {
            BusinessCalendar late = BusinessCalendar.builder("late", SHANGHAI)
                    .hours(DayOfWeek.FRIDAY, "18:00-24:00")
                    .hours(DayOfWeek.SATURDAY, "00:00-06:00")
                    .build();
            // 2027-03-05 is a Friday
            assertThat(late.isOpen(sh("2027-03-05T23:59:59"))).isTrue();
            assertThat(late.isOpen(sh("2027-03-06T00:00"))).isTrue();
            assertThat(late.isOpen(sh("2027-03-06T06:00").minus(NANO))).isTrue();
            assertThat(late.isOpen(sh("2027-03-06T06:00"))).isFalse();
            assertThat(late.nextClosing(sh("2027-03-05T19:00"))).contains(sh("2027-03-06T06:00"));
            assertThat(late.nextOpening(sh("2027-03-05T23:00"))).contains(sh("2027-03-12T18:00"));
            assertThat(late.describeAt(sh("2027-03-05T20:00")))
                    .isEqualTo("open: business hours until 2027-03-06 06:00 Asia/Shanghai");
        }

        @Test
        void midnightEndWithoutNextDayClosesAtMidnight() {
            BusinessCalendar vip = BusinessCalendar.builder("vip", SHANGHAI).daily("08:00-24:00").build();
            assertThat(vip.isOpen(sh("2027-03-05T23:59:59.999"))).isTrue();
            assertThat(vip.isOpen(sh("2027-03-06T00:00"))).isFalse();
            assertThat(vip.nextClosing(sh("2027-03-05T08:00"))).contains(sh("2027-03-06T00:00"));
            assertThat(vip.nextOpening(sh("2027-03-06T00:00"))).contains(sh("2027-03-06T08:00"));
        }

        @Test
        void overnightRangeRunsIntoTheNextDay() {
            BusinessCalendar night = BusinessCalendar.builder("night", SHANGHAI)
                    .hours(DayOfWeek.FRIDAY, "22:00-02:00").build();
            assertThat(night.isOpen(sh("2027-03-05T21:59"))).isFalse();
            assertThat(night.isOpen(sh("2027-03-05T22:00"))).isTrue();
            assertThat(night.isOpen(sh("2027-03-06T01:59"))).isTrue();
            assertThat(night.isOpen(sh("2027-03-06T02:00"))).isFalse();
            assertThat(night.nextClosing(sh("2027-03-05T23:00"))).contains(sh("2027-03-06T02:00"));
            assertThat(night.nextOpening(sh("2027-03-06T01:00"))).contains(sh("2027-03-12T22:00"));
        }

        @Test
        void overnightRangeBelongsToTheDayItStartsOn() {
            // a holiday on Saturday does not cut Friday's night shift short ...
            BusinessCalendar saturdayOff = BusinessCalendar.builder("night", SHANGHAI)
                    .hours(DayOfWeek.FRIDAY, "22:00-02:00")
                    .holiday(LocalDate.parse("2027-03-06"), "Staff day").build();
            assertThat(saturdayOff.isOpen(sh("2027-03-06T01:00"))).isTrue();
            assertThat(saturdayOff.describeAt(sh("2027-03-06T01:00")))
                    .isEqualTo("open: business hours until 2027-03-06 02:00 Asia/Shanghai");
            // ... while a holiday on Friday cancels it
            BusinessCalendar fridayOff = BusinessCalendar.builder("night", SHANGHAI)
                    .hours(DayOfWeek.FRIDAY, "22:00-02:00")
                    .holiday(LocalDate.parse("2027-03-05"), "Staff day").build();
            assertThat(fridayOff.isOpen(sh("2027-03-05T23:00"))).isFalse();
            assertThat(fridayOff.isOpen(sh("2027-03-06T01:00"))).isFalse();
            assertThat(fridayOff.nextOpening(sh("2027-03-05T12:00"))).contains(sh("2027-03-12T22:00"));
        }

        @Test
        void allDayEveryDayNeverCloses() {
            BusinessCalendar always = BusinessCalendar.builder("24x7", SHANGHAI).daily("00:00-24:00").build();
            assertThat(always.isOpen(sh("2027-02-06T00:00"))).isTrue();
            assertThat(always.isOpen(sh("2027-12-31T23:59:59.999"))).isTrue();
            assertThat(always.nextClosing(sh("2027-02-06T00:00"))).isEmpty();
            assertThat(always.nextOpening(sh("2027-02-06T00:00"))).isEmpty();
            assertThat(always.openAtOrAfter(sh("2027-02-06T03:00"))).contains(sh("2027-02-06T03:00"));
            assertThat(always.describeAt(sh("2027-02-06T03:00")))
                    .isEqualTo("open: business hours, no closing in the next 370 days");
        }
    }

    @Nested
    class HolidaysAndSpecialDays {

        /** Weekdays 09:00-21:00, weekend 10:00-18:00, a Spring Festival break and a make-up Saturday. */
        final BusinessCalendar cal = BusinessCalendar.builder("standard", SHANGHAI)
                .weekdays("09:00-21:00")
                .weekend("10:00-18:00")
                .holidays(LocalDate.parse("2027-02-05"), LocalDate.parse("2027-02-12"), "Spring Festival")
                .specialDay(LocalDate.parse("2027-02-13"), "Spring Festival make-up working day", "09:00-21:00")
                .holiday(LocalDate.parse("2027-04-05"), "Qingming Festival")
                .specialDay(LocalDate.parse("2027-11-11"), "Double 11", "08:00-12:00", "13:00-24:00")
                .build();

        @Test
        void closedAllDayOnAHoliday() {
            assertThat(cal.isOpen(sh("2027-02-05T12:00"))).isFalse();
            assertThat(cal.isOpen(sh("2027-02-08T12:00"))).isFalse();
            assertThat(cal.hoursOn(LocalDate.parse("2027-02-08"))).isEmpty();
            assertThat(cal.describeAt(sh("2027-02-08T12:00")))
                    .isEqualTo("closed: Spring Festival holiday until 2027-02-13 09:00 Asia/Shanghai");
        }

        @Test
        void describeNamesTheHolidayThatFollowsTheEvening() {
            assertThat(cal.describeAt(sh("2027-02-04T22:00")))
                    .isEqualTo("closed: outside business hours, then Spring Festival holiday, until 2027-02-13 09:00 Asia/Shanghai");
        }

        @Test
        void nextOpeningAcrossAHoliday() {
            assertThat(cal.nextOpening(sh("2027-02-04T21:00"))).contains(sh("2027-02-13T09:00"));
            // Friday evening, weekend, then Monday is Qingming: Saturday still opens at 10:00 ...
            assertThat(cal.nextOpening(sh("2027-04-02T21:00"))).contains(sh("2027-04-03T10:00"));
            // ... and in an office closed at weekends the next opening is Tuesday
            BusinessCalendar office = BusinessCalendar.builder("office", SHANGHAI).weekdays("09:00-21:00")
                    .holiday(LocalDate.parse("2027-04-05"), "Qingming Festival").build();
            assertThat(office.nextOpening(sh("2027-04-02T21:00"))).contains(sh("2027-04-06T09:00"));
            assertThat(office.describeAt(sh("2027-04-03T12:00")))
                    .isEqualTo("closed: outside business hours, then Qingming Festival holiday, until 2027-04-06 09:00 Asia/Shanghai");
        }

        @Test
        void nextOpeningAcrossAWeekend() {
            BusinessCalendar office = weekdaysOnly();
            // Friday 2027-03-05 after closing -> Monday 09:00
            assertThat(office.nextOpening(sh("2027-03-05T21:00"))).contains(sh("2027-03-08T09:00"));
            assertThat(office.nextClosing(sh("2027-03-05T21:00"))).contains(sh("2027-03-08T21:00"));
            assertThat(office.describeAt(sh("2027-03-06T15:00")))
                    .isEqualTo("closed: outside business hours until 2027-03-08 09:00 Asia/Shanghai");
            assertThat(cal.nextOpening(sh("2027-03-05T21:00"))).contains(sh("2027-03-06T10:00"));
        }

        @Test
        void specialWorkingDayUsesItsOwnHours() {
            // Saturday 2027-02-13 opens at 09:00 like a weekday, not 10:00 like a weekend day
            assertThat(cal.isOpen(sh("2027-02-13T09:00"))).isTrue();
            assertThat(cal.isOpen(sh("2027-02-13T20:59"))).isTrue();
            assertThat(cal.isOpen(sh("2027-02-13T21:00"))).isFalse();
            assertThat(cal.isOpen(sh("2027-02-14T09:30"))).isFalse(); // Sunday: weekend hours again
            assertThat(cal.describeAt(sh("2027-02-13T10:00")))
                    .isEqualTo("open: Spring Festival make-up working day until 2027-02-13 21:00 Asia/Shanghai");
        }

        @Test
        void specialDayOnAWeekendOfAnOfficeClosedAtWeekends() {
            BusinessCalendar office = BusinessCalendar.builder("office", SHANGHAI).weekdays("09:00-21:00")
                    .specialDay(LocalDate.parse("2027-03-06"), "Make-up working day", "09:00-18:00").build();
            assertThat(office.nextOpening(sh("2027-03-05T21:00"))).contains(sh("2027-03-06T09:00"));
            assertThat(office.nextClosing(sh("2027-03-06T09:00"))).contains(sh("2027-03-06T18:00"));
        }

        @Test
        void closedOutsideTheHoursOfASpecialDay() {
            assertThat(cal.isOpen(sh("2027-11-11T12:30"))).isFalse();
            assertThat(cal.isOpen(sh("2027-11-11T23:30"))).isTrue();
            assertThat(cal.describeAt(sh("2027-11-11T12:30")))
                    .isEqualTo("closed: outside the hours of Double 11 until 2027-11-11 13:00 Asia/Shanghai");
            assertThat(cal.describeAt(sh("2027-11-11T23:30")))
                    .isEqualTo("open: Double 11 until 2027-11-12 00:00 Asia/Shanghai");
        }

        @Test
        void aDateCannotBeBothHolidayAndSpecialDay() {
            assertThatThrownBy(() -> BusinessCalendar.builder("x", SHANGHAI)
                    .holiday(LocalDate.parse("2027-02-06"), "Spring Festival")
                    .specialDay(LocalDate.parse("2027-02-06"), "Make-up", "09:00-18:00").build())
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessage("2027-02-06 is both a holiday (Spring Festival) and a special day (Make-up)");
        }
    }

    @Nested
    class Horizon {

        @Test
        void neverOpenSaysSo() {
            BusinessCalendar closed = BusinessCalendar.builder("closed", SHANGHAI).build();
            assertThat(closed.isOpen(sh("2027-03-03T12:00"))).isFalse();
            assertThat(closed.nextOpening(sh("2027-03-03T12:00"))).isEmpty();
            assertThat(closed.nextClosing(sh("2027-03-03T12:00"))).isEmpty();
            assertThat(closed.describeAt(sh("2027-03-03T12:00")))
                    .isEqualTo("closed: outside business hours, no opening in the next 370 days");
        }

        @Test
        void searchesAboutAYearAhead() {
            BusinessCalendar once = BusinessCalendar.builder("once", SHANGHAI)
                    .specialDay(LocalDate.parse("2027-12-20"), "Open day", "10:00-12:00").build();
            assertThat(once.nextOpening(sh("2027-01-01T00:00"))).contains(sh("2027-12-20T10:00"));
            assertThat(once.nextClosing(sh("2027-01-01T00:00"))).contains(sh("2027-12-20T12:00"));
            assertThat(once.nextOpening(sh("2026-11-01T00:00"))).isEmpty(); // 414 days ahead
        }
    }

    @Nested
    class DaylightSaving {
        // Europe/Berlin: 2027-03-28 02:00 CET -> 03:00 CEST; 2027-10-31 03:00 CEST -> 02:00 CET

        static Instant berlin(String local) {
            return LocalDateTime.parse(local).atZone(BERLIN).toInstant();
        }

        final BusinessCalendar office = BusinessCalendar.builder("berlin", BERLIN).weekdays("09:00-17:00").build();

        @Test
        void nextOpeningAcrossTheSpringForwardWeekend() {
            assertThat(office.nextOpening(berlin("2027-03-26T17:00"))).contains(utc("2027-03-29T07:00:00Z"));
            assertThat(office.nextOpening(berlin("2027-03-26T17:00"))).contains(berlin("2027-03-29T09:00"));
            assertThat(office.describeAt(berlin("2027-03-27T12:00")))
                    .isEqualTo("closed: outside business hours until 2027-03-29 09:00 Europe/Berlin");
            assertThat(office.isOpen(utc("2027-03-26T08:00:00Z"))).isTrue();   // 09:00 CET
            assertThat(office.isOpen(utc("2027-03-29T07:00:00Z"))).isTrue();   // 09:00 CEST
            assertThat(office.isOpen(utc("2027-03-29T15:00:00Z"))).isFalse();  // 17:00 CEST
        }

        @Test
        void nextOpeningAcrossTheFallBackWeekend() {
            assertThat(office.nextOpening(berlin("2027-10-29T17:00"))).contains(utc("2027-11-01T08:00:00Z"));
            assertThat(office.nextClosing(berlin("2027-10-29T12:00"))).contains(utc("2027-10-29T15:00:00Z"));
        }

        @Test
        void rangeOverTheSpringGapIsAnHourShorter() {
            BusinessCalendar sunday = BusinessCalendar.builder("s", BERLIN).hours(DayOfWeek.SUNDAY, "01:00-04:00").build();
            assertThat(sunday.nextOpening(berlin("2027-03-27T12:00"))).contains(utc("2027-03-28T00:00:00Z"));
            assertThat(sunday.nextClosing(berlin("2027-03-27T12:00"))).contains(utc("2027-03-28T02:00:00Z"));
            assertThat(sunday.isOpen(utc("2027-03-28T01:30:00Z"))).isTrue(); // 03:30 CEST
            assertThat(sunday.isOpen(utc("2027-03-28T02:00:00Z"))).isFalse();
        }

        @Test
        void openingInsideTheSkippedHourOpensWhenTheClockReachesIt() {
            BusinessCalendar sunday = BusinessCalendar.builder("s", BERLIN).hours(DayOfWeek.SUNDAY, "02:30-05:00").build();
            // 02:30 never happens on 2027-03-28: the clock jumps from 02:00 CET to 03:00 CEST (01:00Z)
            assertThat(sunday.nextOpening(berlin("2027-03-27T12:00"))).contains(utc("2027-03-28T01:00:00Z"));
            assertThat(sunday.isOpen(utc("2027-03-28T01:00:00Z").minus(NANO))).isFalse();
            assertThat(sunday.isOpen(utc("2027-03-28T01:00:00Z"))).isTrue();
            assertThat(sunday.describeAt(berlin("2027-03-27T20:00")))
                    .isEqualTo("closed: outside business hours until 2027-03-28 03:00 Europe/Berlin");
            // a week later it opens at 02:30 as usual
            assertThat(sunday.nextOpening(utc("2027-03-28T12:00:00Z"))).contains(berlin("2027-04-04T02:30"));
        }

        @Test
        void rangeInsideTheSkippedHourDoesNotOpen() {
            BusinessCalendar sunday = BusinessCalendar.builder("s", BERLIN).hours(DayOfWeek.SUNDAY, "02:10-02:50").build();
            assertThat(sunday.nextOpening(berlin("2027-03-27T12:00"))).contains(berlin("2027-04-04T02:10"));
        }

        @Test
        void rangeOverTheFallBackHourIsAnHourLonger() {
            BusinessCalendar sunday = BusinessCalendar.builder("s", BERLIN).hours(DayOfWeek.SUNDAY, "01:00-04:00").build();
            Instant opens = sunday.nextOpening(berlin("2027-10-30T12:00")).orElseThrow();
            Instant closes = sunday.nextClosing(opens).orElseThrow();
            assertThat(opens).isEqualTo(utc("2027-10-30T23:00:00Z"));  // 01:00 CEST
            assertThat(closes).isEqualTo(utc("2027-10-31T03:00:00Z")); // 04:00 CET
            assertThat(Duration.between(opens, closes)).isEqualTo(Duration.ofHours(4));
        }

        @Test
        void timeThatOccursTwiceMeansItsFirstOccurrence() {
            BusinessCalendar sunday = BusinessCalendar.builder("s", BERLIN).hours(DayOfWeek.SUNDAY, "00:00-02:30").build();
            assertThat(sunday.nextClosing(berlin("2027-10-30T23:00"))).contains(utc("2027-10-31T00:30:00Z"));
            assertThat(sunday.isOpen(utc("2027-10-31T00:29:59Z"))).isTrue();  // 02:29 CEST
            assertThat(sunday.isOpen(utc("2027-10-31T01:15:00Z"))).isFalse(); // 02:15 CET, the second time
            assertThat(sunday.describeAt(utc("2027-10-31T00:00:00Z")))
                    .isEqualTo("open: business hours until 2027-10-31 02:30 Europe/Berlin (UTC+02:00)");
        }

        @Test
        void allDayCalendarNeverClosesAcrossTransitions() {
            BusinessCalendar always = BusinessCalendar.builder("24x7", BERLIN).daily("00:00-24:00").build();
            for (Instant at : new Instant[] {utc("2027-03-28T00:30:00Z"), utc("2027-03-28T01:00:00Z"),
                    utc("2027-10-31T00:30:00Z"), utc("2027-10-31T01:30:00Z")}) {
                assertThat(always.isOpen(at)).as(at.toString()).isTrue();
            }
            assertThat(always.nextClosing(utc("2027-03-27T00:00:00Z"))).isEmpty();
        }

        @Test
        void midnightEndOnTheShortDay() {
            BusinessCalendar evening = BusinessCalendar.builder("e", BERLIN).hours(DayOfWeek.SUNDAY, "20:00-24:00").build();
            assertThat(evening.nextClosing(berlin("2027-03-28T12:00"))).contains(utc("2027-03-28T22:00:00Z"));
            assertThat(evening.nextClosing(berlin("2027-10-31T12:00"))).contains(utc("2027-10-31T23:00:00Z"));
        }
    }

    @Nested
    class Ranges {

        @Test
        void parsesAndPrints() {
            assertThat(BusinessCalendar.TimeRange.parse("09:00-21:00").toString()).isEqualTo("09:00-21:00");
            assertThat(BusinessCalendar.TimeRange.parse(" 9:30 - 12:00 ").toString()).isEqualTo("09:30-12:00");
            assertThat(BusinessCalendar.TimeRange.parse("08:00-24:00").toString()).isEqualTo("08:00-24:00");
            assertThat(BusinessCalendar.TimeRange.parse("08:00-00:00").toString()).isEqualTo("08:00-24:00");
            assertThat(BusinessCalendar.TimeRange.parse("00:00-24:00").endsNextDay()).isTrue();
            assertThat(BusinessCalendar.TimeRange.parse("22:00-02:00").endsNextDay()).isTrue();
            assertThat(BusinessCalendar.TimeRange.parse("09:00-21:00").endsNextDay()).isFalse();
        }

        @Test
        void overlaps() {
            var morning = BusinessCalendar.TimeRange.parse("09:00-12:00");
            assertThat(morning.overlaps(BusinessCalendar.TimeRange.parse("11:00-14:00"))).isTrue();
            assertThat(morning.overlaps(BusinessCalendar.TimeRange.parse("12:00-14:00"))).isFalse();
            assertThat(BusinessCalendar.TimeRange.parse("22:00-02:00")
                    .overlaps(BusinessCalendar.TimeRange.parse("23:00-24:00"))).isTrue();
        }

        @Test
        void rejectsWithMessagesForOps() {
            assertThatThrownBy(() -> BusinessCalendar.TimeRange.parse("09:00-25:00"))
                    .hasMessage("'25:00' is not a time of day");
            assertThatThrownBy(() -> BusinessCalendar.TimeRange.parse("09:60-12:00"))
                    .hasMessage("'09:60' is not a time of day");
            assertThatThrownBy(() -> BusinessCalendar.TimeRange.parse("9am-5pm"))
                    .hasMessage("'9am' is not a time of day");
            assertThatThrownBy(() -> BusinessCalendar.TimeRange.parse("09:00"))
                    .hasMessage("'09:00' is not a range; write it as HH:mm-HH:mm, e.g. 09:00-21:00");
            assertThatThrownBy(() -> BusinessCalendar.TimeRange.parse("24:00-02:00"))
                    .hasMessage("'24:00' can only end a range, not start it");
            assertThatThrownBy(() -> BusinessCalendar.TimeRange.parse("09:00-09:00"))
                    .hasMessage("'09:00-09:00' starts and ends at the same time; for the whole day write 00:00-24:00");
        }
    }
}
