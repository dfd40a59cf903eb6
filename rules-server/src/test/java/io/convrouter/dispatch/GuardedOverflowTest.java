package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.T0;
import static io.convrouter.dispatch.DispatchHarness.kinds;
import static io.convrouter.dispatch.DispatchHarness.note;
import static io.convrouter.dispatch.DispatchHarness.only;
import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.DispatchHarness.reasons;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;

/**
 * Guarded overflow: after afterSeconds, agents who belong to the lending queue may take the
 * conversation, but only while that queue is healthy: its estimated wait at most
 * maxEstimatedWaitSeconds and its service level at least minServiceLevel.
 */
class GuardedOverflowTest {

    /** vip borrows sales agents after 30 s while sales' estimated wait is at most 60 s and its service level at least 0.8. */
    private static DispatchHarness vipBorrowingSales() {
        DispatchHarness h = new DispatchHarness(
                queue("vip").overflow("sales", 30, 60, 0.8),
                queue("sales").averageHandle(180));
        h.agent("v").queues("vip").capacity("web", 1).online();
        h.occupy("v", "web", "x-vip");             // vip's own agent is full
        h.agent("s").queues("sales").capacity("web", 2).online();
        return h;
    }

    @Test
    void beforeAfterSecondsAnotherQueuesAgentMayNotTakeIt() {
        DispatchHarness h = vipBorrowingSales();

        DispatchResult r = h.submit("c-1", plan().queue("vip"));

        assertThat(r.agentId()).isNull();
        assertThat(reasons(r.candidates(), "s")).containsExactly("does not serve queue vip");
        assertThat(h.tickAt(29).isEmpty()).isTrue();
    }

    @Test
    void afterAfterSecondsAHealthyQueuesAgentTakesIt() {
        DispatchHarness h = vipBorrowingSales();
        h.submit("c-1", plan().queue("vip"));

        Dispatched d = h.tickAt(30);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RELAXED);
        assertThat(note(d, DispatchNote.Kind.RELAXED).reason()).isEqualTo("borrowing agents of sales (healthy) after 30 s");
        Assignment a = only(d);
        assertThat(a.agentId()).isEqualTo("s");
        assertThat(reasons(a.candidates(), "v")).containsExactly("at capacity on web (1/1)");
        assertThat(h.record("c-1").agentId()).isEqualTo("s");
    }

    @Test
    void whileTheLendingQueuesServiceLevelIsLowItsAgentsAreNotBorrowed() {
        DispatchHarness h = vipBorrowingSales();
        // sales lost a customer a moment ago: 0 of 1 answered within the SLA.
        ConversationRecord lost = DispatchHarness.conversation("sales-lost", "web", plan().queue("sales").build(), T0);
        h.dispatcher.abandoned(lost);
        assertThat(h.dispatcher.queueSnapshots(Map.of("sales", 0.8)).get(0).serviceLevel()).isZero();
        h.submit("c-1", plan().queue("vip"));

        Dispatched d = h.tickAt(30);

        assertThat(d.isEmpty()).isTrue();
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.QUEUED);
        List<String> why = reasons(h.explain("c-1"), "s");
        assertThat(why).containsExactly("does not serve queue vip");
    }

    @Test
    void whenTheLendingQueueRecoversItsAgentsAreBorrowed() {
        DispatchHarness h = vipBorrowingSales();
        ConversationRecord lost = DispatchHarness.conversation("sales-lost", "web", plan().queue("sales").build(), T0);
        h.dispatcher.abandoned(lost);
        h.submit("c-1", plan().queue("vip"));
        assertThat(h.tickAt(30).assignments()).isEmpty();

        // 15 minutes on, the abandonment has left the service-level window; overflow rechecks as it waits.
        Dispatched d = h.tickAt(30 + 15 * 60 + 5);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RELAXED);
        assertThat(only(d).agentId()).isEqualTo("s");
    }

    @Test
    void whileTheLendingQueuesEstimatedWaitIsTooLongItsAgentsAreNotBorrowed() {
        DispatchHarness h = vipBorrowingSales();
        // Two English sales conversations wait for the one English sales agent, who is full: a new
        // one in sales would wait (2 + 1) x 180 s / 1 place = 540 s, over the 60 s allowed.
        h.agent("s-en").queues("sales").languages("en").capacity("web", 1).online();
        h.occupy("s-en", "web", "x-sales");
        h.submit("sales-1", plan().queue("sales").language("en"));
        h.submit("sales-2", plan().queue("sales").language("en"));
        assertThat(h.dispatcher.queueSnapshots(Map.of("sales", 0.8)).get(0).estimatedWaitSeconds()).isEqualTo(540L);
        h.submit("c-1", plan().queue("vip"));

        Dispatched d = h.tickAt(30);

        assertThat(d.isEmpty()).isTrue();
        assertThat(reasons(h.explain("c-1"), "s")).containsExactly("does not serve queue vip");
        assertThat(h.stored("s").totalLoad()).isZero(); // s had room all along
    }

    @Test
    void onlyTheNamedLendingQueuesAgentsAreBorrowed() {
        DispatchHarness h = vipBorrowingSales();
        h.agent("t").queues("technical").online();
        h.submit("c-1", plan().queue("vip"));
        h.setPresence("s", io.convrouter.agents.Presence.AWAY);

        Dispatched d = h.tickAt(30);

        assertThat(d.assignments()).isEmpty();
        assertThat(reasons(h.explain("c-1"), "t")).containsExactly("does not serve queue vip (or [vip, sales])");
    }

    @Test
    void borrowedAgentsStillNeedTheSkillsTheConversationNeeds() {
        DispatchHarness h = vipBorrowingSales();
        h.setPresence("s", io.convrouter.agents.Presence.AWAY);
        h.agent("s-junior").queues("sales").skills("refund", 1).online();
        h.submit("c-1", plan().queue("vip").skill("refund", 3));

        Dispatched d = h.tickAt(30);

        assertThat(d.assignments()).isEmpty();
        assertThat(reasons(h.explain("c-1"), "s-junior")).containsExactly("skill refund at level 1, needs 3");
    }
}
