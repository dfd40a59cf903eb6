package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.T0;
import static io.convrouter.dispatch.DispatchHarness.ids;
import static io.convrouter.dispatch.DispatchHarness.kinds;
import static io.convrouter.dispatch.DispatchHarness.note;
import static io.convrouter.dispatch.DispatchHarness.only;
import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.DispatchHarness.reasons;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;

/**
 * No-reply reclaim: an accepted conversation whose agent has not sent a first reply within the
 * queue's reclaimAfterSeconds is taken back on tick and routed again (never to that agent); a
 * first reply in time keeps it where it is.
 */
class ReclaimTest {

    @Test
    void withoutAFirstReplyTheConversationIsReclaimedAndRoutedAgain() {
        DispatchHarness h = new DispatchHarness(queue("q").reclaimAfter(60));
        h.agent("a").capacity("web", 1).online();
        h.agent("b").capacity("web", 1).online();
        assertThat(h.submit("c-1", plan()).agentId()).isEqualTo("a");

        assertThat(h.tickAt(59).isEmpty()).isTrue();
        Dispatched d = h.tickAt(60);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RECLAIMED);
        DispatchNote reclaimed = note(d, DispatchNote.Kind.RECLAIMED);
        assertThat(reclaimed.agentId()).isEqualTo("a");
        assertThat(reclaimed.reason()).isEqualTo("agent a sent no first reply within 60 s; reclaimed and routed again");
        Assignment next = only(d);
        assertThat(next.agentId()).isEqualTo("b");
        assertThat(next.conversation().status()).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(reasons(next.candidates(), "a"))
                .containsExactly("declined or let this conversation time out before");
        ConversationRecord c = h.record("c-1");
        assertThat(c.agentId()).isEqualTo("b");
        assertThat(c.queuedAt()).isEqualTo(T0);
        assertThat(c.progress().declinedBy()).containsExactly("a");
        assertThat(c.progress().reroutes()).isEqualTo(1);
        assertThat(h.stored("a").totalLoad()).isZero();
        assertThat(h.stored("b").holds("c-1")).isTrue();
    }

    @Test
    void theNextAgentGetsItsOwnReplyDeadline() {
        DispatchHarness h = new DispatchHarness(queue("q").reclaimAfter(60));
        h.agent("a").online();
        h.agent("b").online();
        h.agent("c").online();
        h.submit("c-1", plan());
        h.tickAt(60); // a -> b, b's deadline T0+120

        assertThat(h.tickAt(119).isEmpty()).isTrue();
        Dispatched d = h.tickAt(120);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RECLAIMED);
        assertThat(note(d, DispatchNote.Kind.RECLAIMED).agentId()).isEqualTo("b");
        assertThat(only(d).agentId()).isEqualTo("c");
    }

    @Test
    void aFirstReplyInTimePreventsTheReclaim() {
        DispatchHarness h = new DispatchHarness(queue("q").reclaimAfter(60));
        h.agent("a").online();
        h.agent("b").online();
        h.submit("c-1", plan());
        h.at(30);

        ConversationRecord replied = h.dispatcher.firstReply("c-1", "a");

        assertThat(replied.progress().firstReplyAt()).isEqualTo(T0.plusSeconds(30));
        assertThat(h.tickAt(60).isEmpty()).isTrue();
        assertThat(h.tickAt(3600).isEmpty()).isTrue();
        assertThat(h.record("c-1").agentId()).isEqualTo("a");
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.ASSIGNED);
    }

    @Test
    void withOffersTheReplyDeadlineCountsFromTheAccept() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(30).reclaimAfter(60));
        h.agent("a").online();
        h.agent("b").online();
        h.submit("c-1", plan());
        h.at(20);
        h.dispatcher.accept("c-1", "a");

        assertThat(h.tickAt(79).isEmpty()).isTrue(); // 59 s after the accept
        Dispatched d = h.tickAt(80);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RECLAIMED);
        Assignment next = only(d);
        assertThat(next.agentId()).isEqualTo("b");
        assertThat(next.conversation().status()).isEqualTo(ConversationStatus.OFFERED);
    }

    @Test
    void aReclaimedConversationWithNobodyElseWaitsAndTheAgentGetsOtherWork() {
        DispatchHarness h = new DispatchHarness(queue("q").reclaimAfter(60));
        h.agent("a").capacity("web", 1).online();
        h.submit("c-1", plan());
        h.at(10);
        h.submit("c-2", plan());

        Dispatched d = h.tickAt(60);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RECLAIMED);
        assertThat(ids(d.assignments())).containsExactly("c-2");
        assertThat(h.dispatcher.positionOf("c-1")).isEqualTo(1);
    }

    @Test
    void aConversationClosedBeforeTheDeadlineIsNotReclaimed() {
        DispatchHarness h = new DispatchHarness(queue("q").reclaimAfter(60));
        h.agent("a").online();
        h.agent("b").online();
        h.submit("c-1", plan());
        h.at(30);
        h.close("c-1");

        assertThat(h.tickAt(60).isEmpty()).isTrue();
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.CLOSED);
    }

    @Test
    void aFirstReplyRecordedByAnotherServerAlsoPreventsTheReclaim() {
        // Two servers share the stores: this one assigned the conversation and holds its reply
        // timer; the agent's first reply reaches the other one.
        DispatchHarness h = new DispatchHarness(queue("q").reclaimAfter(60));
        h.agent("a").capacity("web", 1).online();
        h.agent("b").capacity("web", 1).online();
        h.submit("c-1", plan());
        Dispatcher other = new Dispatcher(h.agents, h.conversations, h.clock, h.settings, new PerformanceStats());
        other.reload(h.agents.findAll(), List.of(), List.of(), h.conversations.findAssigned());
        h.at(30);
        other.firstReply("c-1", "a");

        Dispatched d = h.tickAt(60);

        assertThat(d.notes()).isEmpty();
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(h.record("c-1").agentId()).isEqualTo("a");
        assertThat(h.stored("a").holds("c-1")).isTrue();
    }
}
