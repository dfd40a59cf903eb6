package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.candidate;
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

import io.convrouter.agents.Presence;

/**
 * Sticky window: a conversation with a preferred agent (returning customer's last agent, a VIP's
 * dedicated agent) waits up to the queue's stickySeconds for that agent while it is online, even
 * at capacity; then the pool widens on tick. A preferred agent who is away or offline does not
 * hold it.
 */
class StickyAgentTest {

    private static final String WAITING_FOR_P = "waiting for the preferred agent p";

    /** p is online and full; o is online and free. */
    private static DispatchHarness fullPreferredAgent() {
        DispatchHarness h = new DispatchHarness(queue("q").sticky(60));
        h.agent("p").capacity("web", 1).online();
        h.occupy("p", "web", "x-1");
        h.agent("o").capacity("web", 1).online();
        return h;
    }

    @Test
    void anOnlinePreferredAgentAtCapacityKeepsTheConversationWaiting() {
        DispatchHarness h = fullPreferredAgent();

        DispatchResult r = h.submit("c-1", plan().preferred("p"));

        assertThat(r.agentId()).isNull();
        assertThat(reasons(r.candidates(), "o")).containsExactly(WAITING_FOR_P);
        assertThat(reasons(r.candidates(), "p")).containsExactly("at capacity on web (1/1)");
        assertThat(h.dispatcher.positionOf("c-1")).isEqualTo(1);
        assertThat(h.stored("o").totalLoad()).isZero();
        assertThat(h.tickAt(59).assignments()).isEmpty();
    }

    @Test
    void thePreferredAgentGetsItWhenFreedWithinTheWindow() {
        DispatchHarness h = fullPreferredAgent();
        h.submit("c-1", plan().preferred("p"));
        h.at(40);

        List<Assignment> freed = h.free("p", "x-1");

        assertThat(ids(freed)).containsExactly("c-1");
        assertThat(freed.get(0).agentId()).isEqualTo("p");
        assertThat(candidate(freed.get(0).candidates(), "p").score()).containsEntry("preferred", true);
        assertThat(h.tickAt(60).isEmpty()).isTrue();
    }

    @Test
    void afterTheWindowThePoolWidensOnTick() {
        DispatchHarness h = fullPreferredAgent();
        h.submit("c-1", plan().preferred("p"));

        Dispatched d = h.tickAt(60);

        Assignment a = only(d);
        assertThat(a.agentId()).isEqualTo("o");
        assertThat(candidate(a.candidates(), "o").eligible()).isTrue();
        assertThat(reasons(a.candidates(), "p")).containsExactly("at capacity on web (1/1)");
        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RELAXED);
        assertThat(note(d, DispatchNote.Kind.RELAXED).reason()).isEqualTo("sticky window of 60 s for preferred agent p over");
        assertThat(h.record("c-1").agentId()).isEqualTo("o");
    }

    @Test
    void aFreePreferredAgentTakesItAtOnce() {
        DispatchHarness h = new DispatchHarness(queue("q").sticky(60));
        h.agent("o").online();
        h.agent("p").online();

        DispatchResult r = h.submit("c-1", plan().preferred("p"));

        assertThat(r.agentId()).isEqualTo("p");
    }

    @Test
    void anAwayPreferredAgentDoesNotHoldIt() {
        DispatchHarness h = new DispatchHarness(queue("q").sticky(60));
        h.agent("p").in(Presence.AWAY);
        h.agent("o").online();

        DispatchResult r = h.submit("c-1", plan().preferred("p"));

        assertThat(r.agentId()).isEqualTo("o");
        assertThat(reasons(r.candidates(), "p")).containsExactly("agent is away");
    }

    @Test
    void anOfflinePreferredAgentDoesNotHoldIt() {
        DispatchHarness h = new DispatchHarness(queue("q").sticky(60));
        h.agent("p").in(Presence.OFFLINE);
        h.agent("o").online();

        assertThat(h.submit("c-1", plan().preferred("p")).agentId()).isEqualTo("o");
    }

    @Test
    void anUnknownPreferredAgentDoesNotHoldIt() {
        DispatchHarness h = new DispatchHarness(queue("q").sticky(60));
        h.agent("o").online();

        assertThat(h.submit("c-1", plan().preferred("nobody")).agentId()).isEqualTo("o");
    }

    @Test
    void aPreferredAgentWhoGoesAwayDuringTheWindowStopsHoldingItAtTheNextTick() {
        DispatchHarness h = fullPreferredAgent();
        h.submit("c-1", plan().preferred("p"));
        h.at(10);
        h.setPresence("p", Presence.AWAY);

        Dispatched d = h.tickAt(10); // well before the window's end at 60 s

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RELAXED);
        assertThat(note(d, DispatchNote.Kind.RELAXED).reason())
                .isEqualTo("not waiting for preferred agent p: agent is away");
        assertThat(only(d).agentId()).isEqualTo("o");
        assertThat(h.record("c-1").agentId()).isEqualTo("o");
    }

    @Test
    void aPreferredAgentWhoCouldNeverServeItDoesNotHoldIt() {
        // p is online with room, but does not speak the customer's language: waiting for p is pointless.
        DispatchHarness h = new DispatchHarness(queue("q").sticky(60));
        h.agent("p").languages("en").online();
        h.agent("o").online();

        DispatchResult r = h.submit("c-1", plan().preferred("p").language("zh"));

        assertThat(r.agentId()).isEqualTo("o");
        assertThat(reasons(r.candidates(), "p")).containsExactly("does not speak zh");
    }

    @Test
    void aPreferredAgentWhoDeclinedItDoesNotHoldItAgain() {
        DispatchHarness h = new DispatchHarness(queue("q").sticky(60).offers(20));
        h.agent("p").capacity("web", 1).online();
        h.agent("o").capacity("web", 1).online();
        assertThat(h.submit("c-1", plan().preferred("p")).agentId()).isEqualTo("p");

        Dispatched d = h.dispatcher.reject("c-1", "p");

        assertThat(only(d).agentId()).isEqualTo("o");
    }

    @Test
    void withoutAStickyWindowThePreferredAgentIsOnlyRankedFirst() {
        DispatchHarness h = new DispatchHarness(queue("q").sticky(0));
        h.agent("p").capacity("web", 1).online();
        h.occupy("p", "web", "x-1");
        h.agent("o").online();

        assertThat(h.submit("c-1", plan().preferred("p")).agentId()).isEqualTo("o");
    }
}
