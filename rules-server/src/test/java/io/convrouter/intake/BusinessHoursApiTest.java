package io.convrouter.intake;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalTime;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ClockedApiTestSupport;
import io.convrouter.workbench.BusinessCalendar;
import tools.jackson.databind.JsonNode;

/**
 * Business hours over REST, on a clock the test moves. In the test workbench
 * ({@link ClockedApiTestSupport#QUEUE_CHANGES}) billing, technical and logistics follow the
 * {@code standard} calendar of workbench-config/calendars.yaml (weekdays 09:00-21:00, weekends
 * 10:00-18:00 Asia/Shanghai, closed on holidays, longer hours on shopping festivals); outside it
 * they send a new conversation to call back, leave a message and the bot, saying why, and no agent
 * gets it even when one is free. Queues without a calendar are always open.
 */
class BusinessHoursApiTest extends ClockedApiTestSupport {
    static final String INVOICE_TEXT = "请帮我开发票";          // billing: invoice 2
    static final String REPAIR_TEXT = "热水器需要维修";          // technical: installation 3
    static final String SHIPPING_TEXT = "我的订单什么时候发货";   // logistics: shipping 2

    private BusinessCalendar standard() {
        BusinessCalendar c = workbench.calendarOf("billing").orElseThrow();
        assertThat(workbench.calendarOf("technical")).contains(c);
        assertThat(workbench.calendarOf("logistics")).contains(c);
        return c;
    }

    /** One agent who serves all three queues (and after-sales), online, in a language of the test's own. */
    private String allRounder(String lang) {
        return onlineAgent(agentProfile(lang, obj("invoice", 3, "installation", 4, "shipping", 3, "refund", 4), 10));
    }

    private void moveToOpenHours(BusinessCalendar calendar) {
        clock.advanceTo(calendar.openAtOrAfter(now()).orElseThrow());
        assertThat(calendar.isOpen(now())).isTrue();
    }

    @Test
    void outsideBusinessHoursEachQueueSendsConversationsWhereItsAfterHoursSays() {
        BusinessCalendar calendar = standard();
        moveToOpenHours(calendar);
        String lang = newLanguage();
        String agent = allRounder(lang);

        // Open: an invoice question goes to the free agent.
        JsonNode open = create(request(INVOICE_TEXT, lang));
        assertThat(open.get("queue").asString()).isEqualTo("billing");
        assertThat(open.get("status").asString()).isEqualTo("assigned");
        assertThat(open.get("agentId").asString()).isEqualTo(agent);

        // At closing time (the end of a range is not part of it) the queues are closed.
        Instant closing = calendar.nextClosing(now()).orElseThrow();
        clock.advanceTo(closing);
        assertThat(calendar.isOpen(now())).isFalse();
        Instant reopens = calendar.nextOpening(now()).orElseThrow();
        String until = "until " + calendar.format(reopens);

        Map<String, String> expected = Map.of(INVOICE_TEXT, "callback", REPAIR_TEXT, "message", SHIPPING_TEXT, "bot");
        Map<String, String> queues = Map.of(INVOICE_TEXT, "billing", REPAIR_TEXT, "technical", SHIPPING_TEXT, "logistics");
        String callbackId = null;
        String messageId = null;
        for (Map.Entry<String, String> e : expected.entrySet()) {
            JsonNode c = create(request(e.getKey(), lang));
            String id = c.get("id").asString();
            String queue = queues.get(e.getKey());
            assertThat(c.get("queue").asString()).isEqualTo(queue);
            assertThat(c.get("status").asString()).as("%s after hours", queue).isEqualTo(e.getValue());
            assertThat(c.get("agentId").isNull()).as("no agent after hours, though one is free").isTrue();
            assertThat(c.get("queuePosition").isNull()).isTrue();
            JsonNode routed = lastDecision(id);
            assertThat(routed.get("kind").asString()).isEqualTo("routed");
            assertThat(routed.get("outcome").asString()).isEqualTo(e.getValue());
            assertThat(routed.get("reason").asString())
                    .isEqualTo("queue " + queue + " is closed: outside business hours " + until + "; sent to " + e.getValue());
            assertThat(routed.get("candidates")).isEmpty();
            ApiClient.Response position = api.get("/api/v1/conversations/" + id + "/position");
            assertProblem(position, 409, null);
            if (e.getValue().equals("callback")) {
                callbackId = id;
            } else if (e.getValue().equals("message")) {
                messageId = id;
            }
        }
        assertThat(agent(agent).get("totalLoad").asInt()).as("only the one from open hours").isEqualTo(1);

        // A queue without a calendar is open around the clock.
        JsonNode refund = create(refundRequest(lang));
        assertThat(refund.get("queue").asString()).isEqualTo("after-sales");
        assertThat(refund.get("agentId").asString()).isEqualTo(agent);

        // When the queue opens again, the call back and the message are handed to an agent.
        clock.advanceTo(reopens);
        JsonNode calledBack = api.post("/api/v1/conversations/" + callbackId + "/handoff",
                obj("reason", "calling back at opening time")).json();
        assertThat(calledBack.get("status").asString()).as("%s", calledBack).isEqualTo("assigned");
        assertThat(calledBack.get("queue").asString()).isEqualTo("billing");
        assertThat(calledBack.get("agentId").asString()).isEqualTo(agent);
        assertThat(kinds(trail(callbackId))).containsExactly("routed", "handed_off");
        JsonNode answered = api.post("/api/v1/conversations/" + messageId + "/handoff", obj()).json();
        assertThat(answered.get("status").asString()).isEqualTo("assigned");
        assertThat(answered.get("queue").asString()).isEqualTo("technical");
        assertThat(kinds(trail(messageId))).containsExactly("routed", "handed_off");

        JsonNode reopened = create(request(SHIPPING_TEXT, lang));
        assertThat(reopened.get("status").asString()).isEqualTo("assigned");
    }

    @Test
    void onAHolidayTheQueueIsClosedAllDayAndSaysWhichHoliday() {
        BusinessCalendar calendar = standard();
        LocalDate today = now().atZone(calendar.zone()).toLocalDate();
        Map.Entry<LocalDate, String> holiday = calendar.holidays().higherEntry(today);
        assumeThat(holiday).as("a holiday after %s in calendars.yaml", today).isNotNull();
        // 11:00 is inside the weekly hours of every day of the week: only the holiday closes it.
        Instant lateMorning = holiday.getKey().atTime(LocalTime.of(11, 0)).atZone(calendar.zone()).toInstant();
        clock.advanceTo(lateMorning);
        assertThat(calendar.isOpen(now())).isFalse();
        String lang = newLanguage();
        allRounder(lang);

        JsonNode c = create(request(INVOICE_TEXT, lang));

        assertThat(c.get("status").asString()).isEqualTo("callback");
        assertThat(lastDecision(c.get("id").asString()).get("reason").asString())
                .startsWith("queue billing is closed: " + holiday.getValue())
                .contains("holiday")
                .contains("until " + calendar.format(calendar.nextOpening(now()).orElseThrow()))
                .endsWith("; sent to callback");
        assertThat(create(refundRequest(lang)).get("status").asString()).as("after-sales has no calendar")
                .isEqualTo("assigned");
    }

    @Test
    void onASpecialDayTheQueueKeepsItsLongerHours() {
        BusinessCalendar calendar = standard();
        LocalDate today = now().atZone(calendar.zone()).toLocalDate();
        var special = calendar.specialDays().higherEntry(today);
        assumeThat(special).as("a special day after %s in calendars.yaml", today).isNotNull();
        // 22:30 is after every weekly closing, but inside the shopping festival's hours (until 24:00).
        Instant lateEvening = special.getKey().atTime(LocalTime.of(22, 30)).atZone(calendar.zone()).toInstant();
        assumeThat(calendar.isOpen(lateEvening)).as("%s is open at 22:30", special.getValue().name()).isTrue();
        clock.advanceTo(lateEvening);
        String lang = newLanguage();
        String agent = allRounder(lang);

        JsonNode c = create(request(INVOICE_TEXT, lang));
        assertThat(c.get("status").asString()).isEqualTo("assigned");
        assertThat(c.get("agentId").asString()).isEqualTo(agent);

        // The next evening is an ordinary one again.
        Instant nextEvening = lateEvening.plus(java.time.Duration.ofDays(1));
        clock.advanceTo(nextEvening);
        if (!calendar.specialDays().containsKey(special.getKey().plusDays(1))) {
            assertThat(create(request(INVOICE_TEXT, lang)).get("status").asString()).isEqualTo("callback");
        }
    }
}
