package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.T0;
import static io.convrouter.dispatch.DispatchHarness.candidate;
import static io.convrouter.dispatch.DispatchHarness.ids;
import static io.convrouter.dispatch.DispatchHarness.kinds;
import static io.convrouter.dispatch.DispatchHarness.note;
import static io.convrouter.dispatch.DispatchHarness.only;
import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.DispatchHarness.reasons;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.convrouter.agents.Presence;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.errors.ConflictException;

/**
 * Offers: with autoAccept off an assignment is an offer that holds the agent's capacity until it
 * is accepted, rejected or expires. Reject and timeout route the conversation again at once,
 * keeping its original age, and never back to that agent; repeated timeouts in a row set the agent
 * away, and an accept starts the count again.
 */
class OfferTest {

    private static final String DECLINED = "declined or let this conversation time out before";

    @Test
    void withoutAutoAcceptTheConversationIsOfferedAndHoldsTheAgentsCapacity() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").capacity("web", 1).online();

        DispatchResult r = h.submit("c-1", plan());

        assertThat(r.agentId()).isEqualTo("a");
        assertThat(r.offered()).isTrue();
        ConversationRecord c = h.record("c-1");
        assertThat(c.status()).isEqualTo(ConversationStatus.OFFERED);
        assertThat(c.progress().offeredAt()).isEqualTo(T0);
        assertThat(c.progress().offerExpiresAt()).isEqualTo(T0.plusSeconds(20));
        assertThat(c.progress().acceptedAt()).isNull();
        assertThat(h.stored("a").holds("c-1")).isTrue();
        assertThat(reasons(h.submit("c-2", plan()).candidates(), "a")).containsExactly("at capacity on web (1/1)");
    }

    @Test
    void withAutoAcceptTheConversationIsAssignedAtOnce() {
        DispatchHarness h = new DispatchHarness(queue("q"));
        h.agent("a").online();

        DispatchResult r = h.submit("c-1", plan());

        assertThat(r.offered()).isFalse();
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.ASSIGNED);
    }

    @Test
    void anOfferMadeWhenCapacityFreesIsReportedAsAnOffer() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").capacity("web", 1).online();
        h.occupy("a", "web", "x-1");
        h.submit("c-1", plan());

        List<Assignment> next = h.free("a", "x-1");

        assertThat(next).singleElement().satisfies(a -> {
            assertThat(a.agentId()).isEqualTo("a");
            assertThat(a.conversation().status()).isEqualTo(ConversationStatus.OFFERED);
            assertThat(a.conversation().progress().offerExpiresAt()).isEqualTo(T0.plusSeconds(20));
        });
    }

    @Test
    void acceptingTurnsTheOfferIntoAnAssignment() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").online();
        h.submit("c-1", plan());
        h.at(5);

        ConversationRecord accepted = h.dispatcher.accept("c-1", "a");

        assertThat(accepted.status()).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(accepted.agentId()).isEqualTo("a");
        assertThat(accepted.progress().acceptedAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(h.record("c-1").status()).isEqualTo(ConversationStatus.ASSIGNED);
        // The offer's timer no longer applies.
        Dispatched later = h.tickAt(60);
        assertThat(later.isEmpty()).isTrue();
        assertThat(h.record("c-1").agentId()).isEqualTo("a");
    }

    @Test
    void onlyTheAgentOfferedCanAcceptOrRejectAndOnlyOnce() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").online();
        h.agent("b").online();
        h.submit("c-1", plan());

        assertThatThrownBy(() -> h.dispatcher.accept("c-1", "b")).isInstanceOf(ConflictException.class)
                .hasMessageContaining("not offered to agent b");
        assertThatThrownBy(() -> h.dispatcher.reject("c-1", "b")).isInstanceOf(ConflictException.class);
        h.dispatcher.accept("c-1", "a");
        assertThatThrownBy(() -> h.dispatcher.accept("c-1", "a")).isInstanceOf(ConflictException.class);
        assertThatThrownBy(() -> h.dispatcher.reject("c-1", "a")).isInstanceOf(ConflictException.class);
        assertThat(h.record("c-1").agentId()).isEqualTo("a");
    }

    @Test
    void aRejectedOfferGoesAtOnceToTheNextAgent() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").capacity("web", 1).online();
        h.agent("b").capacity("web", 1).online();
        assertThat(h.submit("c-1", plan()).agentId()).isEqualTo("a");
        h.at(7);

        Dispatched d = h.dispatcher.reject("c-1", "a");

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.REJECTED);
        DispatchNote rejected = note(d, DispatchNote.Kind.REJECTED);
        assertThat(rejected.agentId()).isEqualTo("a");
        assertThat(rejected.conversation().id()).isEqualTo("c-1");
        assertThat(rejected.reason()).isEqualTo("agent a rejected the offer; routed again, keeping its place by age");
        Assignment next = only(d);
        assertThat(next.agentId()).isEqualTo("b");
        assertThat(next.conversation().status()).isEqualTo(ConversationStatus.OFFERED);
        assertThat(next.conversation().progress().offerExpiresAt()).isEqualTo(T0.plusSeconds(27));
        assertThat(reasons(next.candidates(), "a")).containsExactly(DECLINED);
        assertThat(candidate(next.candidates(), "b").rank()).isEqualTo(1);
        ConversationRecord c = h.record("c-1");
        assertThat(c.agentId()).isEqualTo("b");
        assertThat(c.queuedAt()).isEqualTo(T0);
        assertThat(c.progress().declinedBy()).containsExactly("a");
        assertThat(c.progress().reroutes()).isEqualTo(1);
        assertThat(h.stored("a").totalLoad()).isZero();
    }

    @Test
    void aRejectedConversationKeepsItsOriginalAgeInTheQueue() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").capacity("web", 1).online();
        h.agent("b").capacity("web", 1).online();
        h.occupy("b", "web", "x-1");
        h.submit("c-old", plan());            // offered to a at T0
        h.at(10);
        h.submit("c-new", plan());            // waits
        h.at(15);
        h.submit("c-newer", plan());          // waits

        h.at(20);
        Dispatched d = h.dispatcher.reject("c-old", "a");

        // a is free again and takes the first in line it may serve: c-new (c-old declined by a).
        assertThat(ids(d.assignments())).containsExactly("c-new");
        assertThat(d.assignments().get(0).agentId()).isEqualTo("a");
        // c-old waits ahead of c-newer: its age counts from T0, not from the reject.
        assertThat(h.record("c-old").queuedAt()).isEqualTo(T0);
        assertThat(h.dispatcher.positionOf("c-old")).isEqualTo(1);
        assertThat(h.dispatcher.positionOf("c-newer")).isEqualTo(2);
        assertThat(h.dispatcher.estimate("c-old").orElseThrow().waitedSeconds()).isEqualTo(20);

        assertThat(ids(h.free("b", "x-1"))).containsExactly("c-old");
    }

    @Test
    void aConversationIsNeverOfferedAgainToAnAgentWhoRejectedIt() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").online();
        h.agent("b").online();
        h.submit("c-1", plan());
        h.dispatcher.reject("c-1", "a");                  // -> b
        Dispatched second = h.dispatcher.reject("c-1", "b");

        assertThat(second.assignments()).isEmpty();     // nobody left: it waits
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.QUEUED);
        assertThat(reasons(h.explain("c-1"), "a")).containsExactly(DECLINED);
        assertThat(reasons(h.explain("c-1"), "b")).containsExactly(DECLINED);
        // Going away and back, or having capacity, changes nothing for a and b.
        h.setPresence("a", Presence.AWAY);
        assertThat(h.setPresence("a", Presence.ONLINE)).isEmpty();
        assertThat(h.tickAt(3600).assignments()).isEmpty();

        List<Assignment> c = h.agent("c").online();

        assertThat(ids(c)).containsExactly("c-1");
        assertThat(h.record("c-1").progress().declinedBy()).containsExactlyInAnyOrder("a", "b");
        assertThat(h.record("c-1").progress().reroutes()).isEqualTo(2);
    }

    @Test
    void anOfferNotAcceptedInTimeGoesToTheNextAgentOnTick() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").capacity("web", 1).online();
        h.agent("b").capacity("web", 1).online();
        h.submit("c-1", plan());
        assertThat(h.dispatcher.nextTimer()).isEqualTo(T0.plusSeconds(20));

        assertThat(h.tickAt(19).isEmpty()).isTrue();
        Dispatched d = h.tickAt(20);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.OFFER_TIMED_OUT);
        DispatchNote timedOut = note(d, DispatchNote.Kind.OFFER_TIMED_OUT);
        assertThat(timedOut.agentId()).isEqualTo("a");
        assertThat(timedOut.reason()).isEqualTo("agent a did not accept within 20 s; routed again");
        Assignment next = only(d);
        assertThat(next.agentId()).isEqualTo("b");
        assertThat(next.conversation().status()).isEqualTo(ConversationStatus.OFFERED);
        assertThat(reasons(next.candidates(), "a")).containsExactly(DECLINED);
        ConversationRecord c = h.record("c-1");
        assertThat(c.queuedAt()).isEqualTo(T0);
        assertThat(c.progress().declinedBy()).containsExactly("a");
        assertThat(c.progress().offerExpiresAt()).isEqualTo(T0.plusSeconds(40));
        assertThat(h.stored("a").totalLoad()).isZero();
        assertThat(h.stored("a").offerTimeouts()).isEqualTo(1);
        assertThatThrownBy(() -> h.dispatcher.accept("c-1", "a")).isInstanceOf(ConflictException.class);
    }

    @Test
    void aTimedOutOfferWithNobodyElseWaitsAndTheAgentGetsOtherWork() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").capacity("web", 1).online();
        h.submit("c-1", plan());
        h.at(5);
        h.submit("c-2", plan());

        Dispatched d = h.tickAt(20);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.OFFER_TIMED_OUT);
        assertThat(ids(d.assignments())).containsExactly("c-2"); // a's freed place, for what a may take
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.QUEUED);
        assertThat(h.dispatcher.positionOf("c-1")).isEqualTo(1);
    }

    @Test
    void consecutiveTimeoutsSetTheAgentAway() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20).timeoutsBeforeAway(2));
        h.agent("a").capacity("web", 1).online();
        h.submit("c-1", plan());
        Dispatched first = h.tickAt(20);
        assertThat(kinds(first)).containsExactly(DispatchNote.Kind.OFFER_TIMED_OUT);
        assertThat(h.stored("a").presence()).isEqualTo(Presence.ONLINE);
        h.at(25);
        assertThat(h.submit("c-2", plan()).agentId()).isEqualTo("a");

        Dispatched second = h.tickAt(45);

        assertThat(kinds(second)).containsExactly(DispatchNote.Kind.OFFER_TIMED_OUT, DispatchNote.Kind.AGENT_SET_AWAY);
        DispatchNote away = note(second, DispatchNote.Kind.AGENT_SET_AWAY);
        assertThat(away.agentId()).isEqualTo("a");
        assertThat(away.conversation().id()).isEqualTo("c-2");
        assertThat(away.reason()).isEqualTo("agent a let 2 offers in a row time out: set away");
        assertThat(h.stored("a").presence()).isEqualTo(Presence.AWAY);
        assertThat(h.stored("a").offerTimeouts()).isZero();
        assertThat(h.stored("a").totalLoad()).isZero();
        assertThat(h.dispatcher.cachedAgent("a").orElseThrow().presence()).isEqualTo(Presence.AWAY);
        assertThat(reasons(h.submit("c-3", plan()).candidates(), "a")).containsExactly("agent is away");
    }

    @Test
    void anAcceptResetsTheCountOfTimeoutsInARow() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20).timeoutsBeforeAway(2));
        h.agent("a").capacity("web", 1).online();
        h.submit("c-1", plan());
        h.tickAt(20);                                   // timeout 1
        assertThat(h.stored("a").offerTimeouts()).isEqualTo(1);
        h.at(25);
        h.submit("c-2", plan());
        h.dispatcher.accept("c-2", "a");                 // resets
        assertThat(h.stored("a").offerTimeouts()).isZero();
        h.at(30);
        h.close("c-2");
        h.submit("c-3", plan());

        Dispatched d = h.tickAt(50);                      // timeout 1 again, not 2

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.OFFER_TIMED_OUT);
        assertThat(h.stored("a").presence()).isEqualTo(Presence.ONLINE);
        assertThat(h.stored("a").offerTimeouts()).isEqualTo(1);
    }

    @Test
    void aRejectDoesNotCountAsATimeout() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20).timeoutsBeforeAway(1));
        h.agent("a").capacity("web", 1).online();
        h.submit("c-1", plan());

        Dispatched d = h.dispatcher.reject("c-1", "a");

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.REJECTED);
        assertThat(h.stored("a").presence()).isEqualTo(Presence.ONLINE);
    }

    @Test
    void timeoutsBeforeAwayZeroNeverSetsTheAgentAway() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20).timeoutsBeforeAway(0));
        h.agent("a").capacity("web", 1).online();
        for (int i = 0; i < 4; i++) {
            h.at(i * 30L);
            h.submit("c-" + i, plan());
            assertThat(kinds(h.tickAt(i * 30L + 20))).containsExactly(DispatchNote.Kind.OFFER_TIMED_OUT);
        }
        assertThat(h.stored("a").presence()).isEqualTo(Presence.ONLINE);
    }

    @Test
    void anOfferClosedBeforeItExpiresLeavesNoTimerBehind() {
        DispatchHarness h = new DispatchHarness(queue("q").offers(20));
        h.agent("a").online();
        h.agent("b").online();
        h.submit("c-1", plan());
        h.at(5);
        h.close("c-1");

        Dispatched d = h.tickAt(20);

        assertThat(d.isEmpty()).isTrue();
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.CLOSED);
        assertThat(h.stored("a").totalLoad()).isZero();
        assertThat(h.stored("b").totalLoad()).isZero();
    }
}
