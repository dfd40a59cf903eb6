package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.T0;
import static io.convrouter.dispatch.DispatchHarness.ids;
import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.DispatchHarness.reasons;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.convrouter.agents.Presence;
import io.convrouter.conversation.ConversationStatus;

/**
 * Presence: only online agents get new work (away, busy and offline keep what they hold); wrap-up:
 * after closing, the agent gets nothing new until the queue's wrap-up time passes, and then
 * {@link Dispatcher#tick()} hands it what waited.
 */
class PresenceAndWrapUpTest {

    @Test
    void awayBusyAndOfflineAgentsGetNothingNewAndSayWhy() {
        DispatchHarness h = new DispatchHarness();
        h.agent("a-away").in(Presence.AWAY);
        h.agent("b-busy").in(Presence.BUSY);
        h.agent("c-offline").in(Presence.OFFLINE);

        DispatchResult r = h.submit("c-1", plan());

        assertThat(r.agentId()).isNull();
        assertThat(reasons(r.candidates(), "a-away")).containsExactly("agent is away");
        assertThat(reasons(r.candidates(), "b-busy")).containsExactly("agent is busy");
        assertThat(reasons(r.candidates(), "c-offline")).containsExactly("agent is offline");
        assertThat(h.dispatcher.positionOf("c-1")).isEqualTo(1);
        assertThat(h.agents.findAll()).allSatisfy(a -> assertThat(a.totalLoad()).isZero());
    }

    @Test
    void anAgentWhoGoesBusyKeepsWhatItHoldsAndGetsWorkAgainWhenBackOnline() {
        DispatchHarness h = new DispatchHarness();
        h.agent("a").online();
        assertThat(h.submit("c-1", plan()).agentId()).isEqualTo("a");

        assertThat(h.setPresence("a", Presence.BUSY)).isEmpty();
        DispatchResult second = h.submit("c-2", plan());

        assertThat(second.agentId()).isNull();
        assertThat(reasons(second.candidates(), "a")).containsExactly("agent is busy");
        assertThat(h.record("c-1").agentId()).isEqualTo("a");
        assertThat(h.stored("a").loadOn("web")).isEqualTo(1);

        List<Assignment> back = h.setPresence("a", Presence.ONLINE);

        assertThat(ids(back)).containsExactly("c-2");
        assertThat(h.stored("a").loadOn("web")).isEqualTo(2);
    }

    @Test
    void afterClosingTheAgentWrapsUpThenTickHandsItTheWaitingConversation() {
        DispatchHarness h = new DispatchHarness(queue("q").wrapUp(30));
        h.agent("a").capacity("web", 1).online();
        assertThat(h.submit("c-1", plan()).agentId()).isEqualTo("a");
        h.at(5);
        h.submit("c-2", plan()); // waits: a is full

        h.at(10);
        List<Assignment> onClose = h.close("c-1");

        assertThat(onClose).isEmpty(); // wrapping up: nothing yet
        assertThat(reasons(h.explain("c-2"), "a")).containsExactly("wrapping up until " + T0.plusSeconds(40));
        assertThat(h.tickAt(39).assignments()).isEmpty();

        Dispatched due = h.tickAt(40);

        assertThat(ids(due.assignments())).containsExactly("c-2");
        assertThat(due.assignments().get(0).agentId()).isEqualTo("a");
        assertThat(due.assignments().get(0).conversation().status()).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(h.record("c-2").agentId()).isEqualTo("a");
    }

    @Test
    void aConversationArrivingDuringWrapUpIsHandedOverWhenTheWrapUpEnds() {
        DispatchHarness h = new DispatchHarness(queue("q").wrapUp(30));
        h.agent("a").capacity("web", 1).online();
        h.submit("c-1", plan());
        h.at(10);
        h.close("c-1"); // nothing waits when a starts wrapping up

        h.at(20);
        DispatchResult during = h.submit("c-2", plan());

        assertThat(during.agentId()).isNull();
        assertThat(reasons(during.candidates(), "a")).containsExactly("wrapping up until " + T0.plusSeconds(40));
        assertThat(h.dispatcher.nextTimer()).as("a timer for the end of the wrap-up").isNotNull();

        Dispatched due = h.tickAt(40);

        assertThat(ids(due.assignments())).containsExactly("c-2");
        assertThat(h.record("c-2").agentId()).isEqualTo("a");
    }

    @Test
    void anAgentWhoGoesAwayDuringWrapUpGetsNothingWhenItEnds() {
        DispatchHarness h = new DispatchHarness(queue("q").wrapUp(30));
        h.agent("a").capacity("web", 1).online();
        h.submit("c-1", plan());
        h.submit("c-2", plan());
        h.at(10);
        h.close("c-1");
        h.at(20);
        h.setPresence("a", Presence.AWAY);

        Dispatched due = h.tickAt(40);

        assertThat(due.assignments()).isEmpty();
        assertThat(h.status("c-2")).isEqualTo(ConversationStatus.QUEUED);
        assertThat(reasons(h.explain("c-2"), "a")).containsExactly("agent is away");
    }

    @Test
    void closingAConversationStillOnOfferStartsNoWrapUp() {
        // Wrap-up follows a conversation the agent served: an offered one closed before acceptance
        // frees the agent at once.
        DispatchHarness h = new DispatchHarness(queue("q").wrapUp(30).offers(60));
        h.agent("a").capacity("web", 1).online();
        assertThat(h.submit("c-1", plan()).offered()).isTrue();
        h.submit("c-2", plan());

        List<Assignment> next = h.close("c-1");

        assertThat(ids(next)).containsExactly("c-2");
        assertThat(h.stored("a").wrapUpUntil()).isNull();
    }
}
