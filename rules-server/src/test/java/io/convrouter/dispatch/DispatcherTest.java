package io.convrouter.dispatch;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.Presence;
import io.convrouter.audit.Candidate;
import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;
import io.convrouter.support.MutableClock;

/**
 * The dispatcher against in-memory stores with the real stores' atomic semantics: who is
 * eligible and why not, who wins, the order in which waiting conversations go out, refused
 * reservations, and that no conversation is ever assigned twice.
 *
 * <p>The helpers drive the dispatcher the way the services do: a profile save or presence change
 * is written to the store, then handed to {@link Dispatcher#agentChanged}; a conversation is
 * inserted into the store, then submitted; a conversation that ends releases its agent in the
 * store and hands the freed agent to the dispatcher.
 */
class DispatcherTest {

    private static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

    private final MutableClock clock = new MutableClock(T0);
    private final FakeAgentStore agentStore = new FakeAgentStore();
    private final FakeConversationStore conversationStore = new FakeConversationStore();
    private final Dispatcher dispatcher = new Dispatcher(agentStore, conversationStore, clock);

    // ---------------------------------------------------------------- eligibility

    @Test
    void agentsWhoAreAwayOrOfflineAreExcludedWithTheirPresenceAsReason() {
        agent("a-away").away();
        agent("a-offline").register();
        agent("a-online").online();

        DispatchResult result = submit("c-1", plan().build());

        assertThat(result.agentId()).isEqualTo("a-online");
        assertThat(candidate(result, "a-online").eligible()).isTrue();
        assertThat(candidate(result, "a-away").eligible()).isFalse();
        assertThat(candidate(result, "a-away").excludedBecause()).containsExactly("agent is away");
        assertThat(candidate(result, "a-offline").excludedBecause()).containsExactly("agent is offline");
    }

    @Test
    void everyUnmetRequirementIsAReasonInTheCandidateList() {
        agent("ok").skills("refund", 3).languages("zh").teams("vip-desk").capacity("web", 2).online();
        agent("no-skill").skills("general", 5).teams("vip-desk").online();
        agent("low-skill").skills("refund", 2).teams("vip-desk").online();
        agent("no-language").languages("en").teams("vip-desk").online();
        agent("no-team").teams("senior").online();
        agent("no-channel").teams("vip-desk").capacity("email", 10).online();
        agent("zero-capacity").teams("vip-desk").capacity("web", 0).online();
        agent("full").teams("vip-desk").capacity("web", 1).online();
        occupyElsewhere("full", "web", "held-1");
        agent("many").skills("refund", 1).languages("en").online();

        DispatchResult result = submit("c-1",
                plan().skill("refund", 3).language("zh").team("vip-desk").build());

        assertThat(result.agentId()).isEqualTo("ok");
        assertThat(reasons(result, "no-skill")).containsExactly("lacks skill refund (needs level 3)");
        assertThat(reasons(result, "low-skill")).containsExactly("skill refund at level 2, needs 3");
        assertThat(reasons(result, "no-language")).containsExactly("does not speak zh");
        assertThat(reasons(result, "no-team")).containsExactly("not in team vip-desk");
        assertThat(reasons(result, "no-channel")).containsExactly("does not serve channel web");
        assertThat(reasons(result, "zero-capacity")).containsExactly("does not serve channel web");
        assertThat(reasons(result, "full")).containsExactly("at capacity on web (1/1)");
        assertThat(reasons(result, "many")).containsExactlyInAnyOrder(
                "skill refund at level 1, needs 3", "does not speak zh", "not in team vip-desk");
        assertThat(result.candidates()).filteredOn(Candidate::eligible).extracting(Candidate::agentId)
                .containsExactly("ok");
    }

    @Test
    void everyRequiredSkillMustBeMet() {
        agent("refund-only").skills("refund", 5).online();
        agent("both").skills("refund", 3, "shipping", 2).online();

        DispatchResult result = submit("c-1", plan().skill("refund", 3).skill("shipping", 2).build());

        assertThat(result.agentId()).isEqualTo("both");
        assertThat(reasons(result, "refund-only")).containsExactly("lacks skill shipping (needs level 2)");
    }

    @Test
    void aSkillExactlyAtTheMinimumLevelQualifies() {
        agent("just-enough").skills("refund", 3).online();

        assertThat(submit("c-1", plan().skill("refund", 3).build()).agentId()).isEqualTo("just-enough");
    }

    @Test
    void languagesMatchOnTheirPrimarySubtag() {
        agent("zh-speaker").languages("zh").online();

        DispatchResult result = submit("c-1", plan().language("zh-CN").build());

        assertThat(result.agentId()).isEqualTo("zh-speaker");
    }

    @Test
    void nobodyEligibleLeavesTheConversationQueuedWithEveryCandidateExplained() {
        agent("en-only").languages("en").online();

        DispatchResult result = submit("c-1", plan().language("zh").build());

        assertThat(result.agentId()).isNull();
        assertThat(reasons(result, "en-only")).containsExactly("does not speak zh");
        assertThat(dispatcher.positionOf("c-1")).isEqualTo(1);
        assertThat(conversationStore.get("c-1").status()).isEqualTo(ConversationStatus.QUEUED);
        assertThat(agentStore.get("en-only").totalLoad()).isZero();
    }

    @Test
    void anAgentGoingAwayStopsGettingWork() {
        agent("a-1").online();
        setPresence("a-1", Presence.AWAY);

        DispatchResult result = submit("c-1", plan().build());

        assertThat(result.agentId()).isNull();
        assertThat(reasons(result, "a-1")).containsExactly("agent is away");
    }

    @Test
    void aProfileUpdateThatDropsASkillTakesEffectAtOnce() {
        agent("a-1").skills("refund", 4).online();
        agent("a-1").skills("general", 4).register();

        DispatchResult result = submit("c-1", plan().skill("refund", 3).build());

        assertThat(result.agentId()).isNull();
        assertThat(reasons(result, "a-1")).containsExactly("lacks skill refund (needs level 3)");
    }

    // ---------------------------------------------------------------- choice

    @Test
    void thePreferredAgentWinsWhenEligibleEvenWhenBusier() {
        agent("busy-favourite").capacity("web", 5).online();
        occupyElsewhere("busy-favourite", "web", "h-1");
        occupyElsewhere("busy-favourite", "web", "h-2");
        agent("idle").capacity("web", 5).online();

        DispatchResult result = submit("c-1", plan().preferred("busy-favourite").build());

        assertThat(result.agentId()).isEqualTo("busy-favourite");
        Candidate winner = candidate(result, "busy-favourite");
        assertThat(winner.rank()).isEqualTo(1);
        assertThat(winner.score()).containsEntry("preferred", true);
        assertThat(candidate(result, "idle").rank()).isEqualTo(2);
    }

    @Test
    void aPreferredAgentWhoIsNotEligibleIsPassedOver() {
        agent("favourite").online();
        setPresence("favourite", Presence.AWAY);
        agent("other").online();

        DispatchResult result = submit("c-1", plan().preferred("favourite").build());

        assertThat(result.agentId()).isEqualTo("other");
        assertThat(reasons(result, "favourite")).containsExactly("agent is away");
    }

    @Test
    void aPreferredAgentAtCapacityIsPassedOver() {
        agent("favourite").capacity("web", 1).online();
        occupyElsewhere("favourite", "web", "h-1");
        agent("other").online();

        assertThat(submit("c-1", plan().preferred("favourite").build()).agentId()).isEqualTo("other");
    }

    @Test
    void theLowestLoadRatioWinsNotTheFewestConversations() {
        // a-small has fewer conversations (1) but a higher ratio (1/2); it is also idle longer
        // and sorts first by id, so only the ratio can make b-big win.
        agent("a-small").capacity("web", 2).online();
        clock.advance(Duration.ofSeconds(30));
        agent("b-big").capacity("web", 5).online();
        occupyElsewhere("a-small", "web", "h-1");
        occupyElsewhere("b-big", "web", "h-2");
        occupyElsewhere("b-big", "web", "h-3");

        DispatchResult result = submit("c-1", plan().build());

        assertThat(result.agentId()).isEqualTo("b-big");
        assertThat(candidate(result, "b-big").score()).containsEntry("loadRatio", 0.4).containsEntry("load", "2/5");
        assertThat(candidate(result, "a-small").score()).containsEntry("loadRatio", 0.5);
        assertThat(candidate(result, "a-small").rank()).isEqualTo(2);
    }

    @Test
    void loadIsMeasuredOnTheConversationsChannel() {
        agent("a-busy-on-web").capacity("web", 2).capacity("email", 10).online();
        agent("b-busy-on-email").capacity("web", 2).capacity("email", 10).online();
        occupyElsewhere("a-busy-on-web", "web", "h-1");
        for (int i = 0; i < 5; i++) {
            occupyElsewhere("b-busy-on-email", "email", "h-e" + i);
        }

        assertThat(submit("c-1", plan().build()).agentId()).isEqualTo("b-busy-on-email");
    }

    @Test
    void tiesGoToTheAgentIdleLongest() {
        agent("b-early").online();                     // idle since T0
        clock.advance(Duration.ofSeconds(60));
        agent("a-late").online();                      // idle since T0+60s
        clock.advance(Duration.ofSeconds(30));

        DispatchResult first = submit("c-1", plan().build());

        assertThat(first.agentId()).isEqualTo("b-early");
        assertThat(candidate(first, "b-early").score()).containsEntry("idleSeconds", 90L);
        assertThat(candidate(first, "a-late").score()).containsEntry("idleSeconds", 30L);

        // b-early finishes at T0+120s: now a-late (idle since T0+60s) has been idle longer.
        clock.advance(Duration.ofSeconds(30));
        finish("c-1");
        clock.advance(Duration.ofSeconds(10));

        assertThat(submit("c-2", plan().build()).agentId()).isEqualTo("a-late");
    }

    @Test
    void remainingTiesBreakByAgentId() {
        agent("agent-b").online();
        agent("agent-c").online();
        agent("agent-a").online();

        DispatchResult result = submit("c-1", plan().build());

        assertThat(result.agentId()).isEqualTo("agent-a");
        assertThat(result.candidates()).extracting(Candidate::agentId)
                .containsExactly("agent-a", "agent-b", "agent-c");
        assertThat(result.candidates()).extracting(Candidate::rank).containsExactly(1, 2, 3);
    }

    @Test
    void eachNewConversationGoesToWhoeverIsLeastLoadedThen() {
        agent("a-1").capacity("web", 2).online();
        agent("a-2").capacity("web", 2).online();

        List<String> chosen = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            chosen.add(submit("c-" + i, plan().build()).agentId());
        }

        assertThat(chosen).containsExactlyInAnyOrder("a-1", "a-1", "a-2", "a-2");
        assertThat(chosen.get(0)).isNotEqualTo(chosen.get(1));
        assertThat(submit("c-5", plan().build()).agentId()).isNull();
    }

    // ---------------------------------------------------------------- queue order

    @Test
    void waitingConversationsAreOrderedByPriorityThenAge() {
        submitAt("c-low", plan().priority(20).build(), 0);
        submitAt("c-high-old", plan().priority(50).build(), 1);
        submitAt("c-high-new", plan().priority(50).build(), 2);
        submitAt("c-top", plan().priority(90).build(), 3);

        assertThat(dispatcher.positionOf("c-top")).isEqualTo(1);
        assertThat(dispatcher.positionOf("c-high-old")).isEqualTo(2);
        assertThat(dispatcher.positionOf("c-high-new")).isEqualTo(3);
        assertThat(dispatcher.positionOf("c-low")).isEqualTo(4);
        assertThat(dispatcher.waitingCount()).isEqualTo(4);
    }

    @Test
    void anAgentComingOnlineAndFreeingCapacityTakesThemInQueueOrder() {
        submitAt("c-low", plan().priority(20).build(), 0);
        submitAt("c-high-old", plan().priority(50).build(), 1);
        submitAt("c-high-new", plan().priority(50).build(), 2);
        submitAt("c-top", plan().priority(90).build(), 3);
        agent("solo").capacity("web", 1).register();

        List<String> order = new ArrayList<>();
        order.addAll(ids(setPresence("solo", Presence.ONLINE)));
        for (int i = 0; i < 3; i++) {
            order.addAll(ids(finish(order.get(order.size() - 1))));
        }

        assertThat(order).containsExactly("c-top", "c-high-old", "c-high-new", "c-low");
        assertThat(dispatcher.waitingCount()).isZero();
        for (String id : order) {
            assertThat(conversationStore.timesAssigned(id)).isEqualTo(1);
        }
    }

    @Test
    void freedCapacityGoesToTheOldestOfTheHighestPriority() {
        agent("solo").capacity("web", 1).online();
        assertThat(submit("c-0", plan().build()).agentId()).isEqualTo("solo");
        submitAt("c-old-low", plan().priority(20).build(), 1);
        submitAt("c-mid-old", plan().priority(60).build(), 2);
        submitAt("c-mid-new", plan().priority(60).build(), 3);

        List<Assignment> next = finish("c-0");

        assertThat(ids(next)).containsExactly("c-mid-old");
        Assignment a = next.get(0);
        assertThat(a.agentId()).isEqualTo("solo");
        assertThat(a.conversation().status()).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(a.candidates()).filteredOn(Candidate::eligible).extracting(Candidate::agentId)
                .containsExactly("solo");
        assertThat(conversationStore.get("c-mid-old").agentId()).isEqualTo("solo");
        assertThat(dispatcher.positionOf("c-mid-new")).isEqualTo(1);
        assertThat(dispatcher.positionOf("c-old-low")).isEqualTo(2);
    }

    @Test
    void anAgentTakesTheFirstConversationItCanServeAndLeavesTheRestWaiting() {
        submitAt("c-english-top", plan().language("en").priority(90).build(), 0);
        submitAt("c-chinese-low", plan().language("zh").priority(20).build(), 1);
        agent("zh-agent").languages("zh").register();

        List<Assignment> assigned = setPresence("zh-agent", Presence.ONLINE);

        assertThat(ids(assigned)).containsExactly("c-chinese-low");
        assertThat(dispatcher.positionOf("c-english-top")).isEqualTo(1);
        assertThat(conversationStore.get("c-english-top").status()).isEqualTo(ConversationStatus.QUEUED);
    }

    @Test
    void aConversationArrivingWhileTheOnlyAgentIsFullWaitsWithThatReason() {
        agent("solo").capacity("web", 1).register();
        submitAt("c-urgent", plan().priority(90).build(), 0);
        assertThat(ids(setPresence("solo", Presence.ONLINE))).containsExactly("c-urgent");

        DispatchResult late = submitAt("c-late", plan().priority(10).build(), 1);

        assertThat(late.agentId()).isNull();
        assertThat(reasons(late, "solo")).containsExactly("at capacity on web (1/1)");
        assertThat(dispatcher.positionOf("c-late")).isEqualTo(1);
    }

    @Test
    void aCapacityIncreaseLetsTheNextWaitingConversationIn() {
        agent("solo").capacity("web", 1).online();
        assertThat(submitAt("c-first", plan().build(), 0).agentId()).isEqualTo("solo");
        submitAt("c-low", plan().priority(10).build(), 1);
        submitAt("c-high", plan().priority(80).build(), 2);

        List<Assignment> assigned = agent("solo").capacity("web", 2).register();

        assertThat(ids(assigned)).containsExactly("c-high");
        assertThat(agentStore.get("solo").loadOn("web")).isEqualTo(2);
        assertThat(dispatcher.positionOf("c-low")).isEqualTo(1);
    }

    @Test
    void reloadRebuildsTheQueueInOrderWhateverOrderTheStoreGivesIt() {
        ConversationRecord low = conversation("c-low", plan().priority(20).build(), T0);
        ConversationRecord top = conversation("c-top", plan().priority(90).build(), T0.plusSeconds(5));
        ConversationRecord mid = conversation("c-mid", plan().priority(50).build(), T0.plusSeconds(1));

        List<Assignment> assigned = dispatcher.reload(List.of(), List.of(low, top, mid));

        assertThat(assigned).isEmpty();
        assertThat(dispatcher.positionOf("c-top")).isEqualTo(1);
        assertThat(dispatcher.positionOf("c-mid")).isEqualTo(2);
        assertThat(dispatcher.positionOf("c-low")).isEqualTo(3);
    }

    // ---------------------------------------------------------------- refused reservations

    @Test
    void aReservationRefusedBecauseAnotherServerTookTheCapacityTriesTheNextCandidate() {
        agent("a-first").capacity("web", 1).online();
        agent("b-second").capacity("web", 1).online();
        agentStore.beforeNextReserve("a-first",
                () -> agentStore.occupy("a-first", "web", "taken-elsewhere", clock.instant()));

        DispatchResult result = submit("c-1", plan().build());

        assertThat(result.agentId()).isEqualTo("b-second");
        assertThat(agentStore.reserveAttempts("a-first")).isEqualTo(1);
        Candidate refused = candidate(result, "a-first");
        assertThat(refused.eligible()).isFalse();
        assertThat(refused.excludedBecause()).singleElement().asString().contains("another server");
        assertThat(candidate(result, "b-second").eligible()).isTrue();
        // Nobody over capacity, and the dispatcher now knows a-first is full.
        assertThat(agentStore.get("a-first").active()).extracting(Agent.ActiveConversation::conversationId)
                .containsExactly("taken-elsewhere");
        assertThat(agentStore.get("b-second").active()).extracting(Agent.ActiveConversation::conversationId)
                .containsExactly("c-1");
        assertThat(dispatcher.cachedAgent("a-first")).get().extracting(a -> a.loadOn("web")).isEqualTo(1);
    }

    @Test
    void refusedByTheOnlyCandidateItWaitsAndIsAssignedWhenTheCapacityComesBack() {
        agent("solo").capacity("web", 1).online();
        agentStore.beforeNextReserve("solo",
                () -> agentStore.occupy("solo", "web", "taken-elsewhere", clock.instant()));

        DispatchResult result = submit("c-1", plan().build());

        assertThat(result.agentId()).isNull();
        assertThat(candidate(result, "solo").eligible()).isFalse();
        assertThat(candidate(result, "solo").excludedBecause()).singleElement().asString()
                .contains("another server");
        assertThat(dispatcher.positionOf("c-1")).isEqualTo(1);
        assertThat(agentStore.get("solo").loadOn("web")).isEqualTo(1);

        // The other server's conversation ends there; this server hears the agent is free.
        Agent freed = agentStore.release("solo", "taken-elsewhere", clock.instant()).orElseThrow();
        List<Assignment> assigned = dispatcher.agentChanged(freed);

        assertThat(ids(assigned)).containsExactly("c-1");
        assertThat(agentStore.get("solo").loadOn("web")).isEqualTo(1);
        assertThat(conversationStore.get("c-1").agentId()).isEqualTo("solo");
    }

    @Test
    void anAgentWhoWentOfflineElsewhereIsRefusedAndTheNextOneServes() {
        agent("a-first").online();
        agent("b-second").online();
        agentStore.beforeNextReserve("a-first",
                () -> agentStore.setPresence("a-first", Presence.OFFLINE, clock.instant()));

        DispatchResult result = submit("c-1", plan().build());

        assertThat(result.agentId()).isEqualTo("b-second");
        assertThat(agentStore.get("a-first").totalLoad()).isZero();
        assertThat(dispatcher.cachedAgent("a-first")).get().extracting(Agent::presence)
                .isEqualTo(Presence.OFFLINE);
    }

    // ---------------------------------------------------------------- never twice

    @Test
    void submittingTheSameConversationAgainDoesNotQueueOrAssignItTwice() {
        ConversationRecord c = conversation("c-1", plan().build(), clock.instant());
        conversationStore.insertIfAbsent(c);
        dispatcher.submit(c);
        dispatcher.submit(c);
        assertThat(dispatcher.waitingCount()).isEqualTo(1);

        List<Assignment> assigned = agent("a-1").capacity("web", 5).online();

        assertThat(ids(assigned)).containsExactly("c-1");
        assertThat(conversationStore.timesAssigned("c-1")).isEqualTo(1);
        assertThat(agentStore.get("a-1").loadOn("web")).isEqualTo(1);
    }

    @Test
    void resubmittingAnAssignedConversationLeavesItWithItsAgentAndLeaksNoCapacity() {
        agent("a-1").capacity("web", 5).online();
        agent("a-2").capacity("web", 5).online();
        ConversationRecord c = conversation("c-1", plan().build(), clock.instant());
        conversationStore.insertIfAbsent(c);
        String first = dispatcher.submit(c).agentId();

        DispatchResult again = dispatcher.submit(c);

        assertThat(again.agentId()).isNull();
        assertThat(conversationStore.timesAssigned("c-1")).isEqualTo(1);
        assertThat(conversationStore.get("c-1").agentId()).isEqualTo(first);
        assertThat(agentStore.get("a-1").totalLoad() + agentStore.get("a-2").totalLoad()).isEqualTo(1);
        assertThat(dispatcher.positionOf("c-1")).isZero();
    }

    @Test
    void aConversationAbandonedOnAnotherServerIsNotAssignedAndItsUnitIsHandedBack() {
        submitAt("c-gone", plan().priority(90).build(), 0);
        submitAt("c-next", plan().priority(10).build(), 1);
        conversationStore.markEnded("c-gone", ConversationStatus.QUEUED, ConversationStatus.ABANDONED,
                clock.instant(), null, null);

        List<Assignment> assigned = agent("solo").capacity("web", 1).online();

        assertThat(ids(assigned)).containsExactly("c-next");
        assertThat(conversationStore.get("c-gone").status()).isEqualTo(ConversationStatus.ABANDONED);
        assertThat(conversationStore.timesAssigned("c-gone")).isZero();
        assertThat(agentStore.get("solo").active()).extracting(Agent.ActiveConversation::conversationId)
                .containsExactly("c-next");
        assertThat(dispatcher.positionOf("c-gone")).isZero();
    }

    @Test
    void twoServersWithTheSameWaitingConversationAssignItOnce() {
        agent("a-1").capacity("web", 1).online();
        agent("b-2").capacity("web", 1).online();
        ConversationRecord c = conversation("c-1", plan().build(), clock.instant());
        conversationStore.insertIfAbsent(c);
        List<Agent> snapshot = agentStore.findAll();

        // Both servers start from the same snapshot: the second one's view of a-1 is stale.
        List<Assignment> here = new Dispatcher(agentStore, conversationStore, clock).reload(snapshot, List.of(c));
        List<Assignment> there = new Dispatcher(agentStore, conversationStore, clock).reload(snapshot, List.of(c));

        assertThat(ids(here)).containsExactly("c-1");
        assertThat(there).isEmpty();
        // The second server was refused by a-1, then claimed b-2, found c-1 taken and gave the unit back.
        assertThat(agentStore.reserveAttempts("a-1")).isEqualTo(2);
        assertThat(agentStore.reserveAttempts("b-2")).isEqualTo(1);
        assertThat(conversationStore.timesAssigned("c-1")).isEqualTo(1);
        String agentId = conversationStore.get("c-1").agentId();
        assertThat(agentStore.findAll()).allSatisfy(a -> assertThat(a.active())
                .extracting(Agent.ActiveConversation::conversationId)
                .isEqualTo(a.id().equals(agentId) ? List.of("c-1") : List.of()));
    }

    @Test
    @Timeout(value = 60, threadMode = Timeout.ThreadMode.SEPARATE_THREAD) // a hang guard, not a speed check
    void anAgentAlreadyHoldingTheConversationIsNotClaimedAgainForIt() {
        agent("a-1").capacity("web", 2).online();
        ConversationRecord c = conversation("c-1", plan().build(), clock.instant());
        conversationStore.insertIfAbsent(c);
        List<Agent> snapshot = agentStore.findAll();

        List<Assignment> here = new Dispatcher(agentStore, conversationStore, clock).reload(snapshot, List.of(c));
        // The second server still sees a-1 idle with room for two: its claim is refused (a-1 holds
        // c-1 already), and it must not keep asking a-1, who still looks eligible.
        List<Assignment> there = new Dispatcher(agentStore, conversationStore, clock).reload(snapshot, List.of(c));

        assertThat(ids(here)).containsExactly("c-1");
        assertThat(there).isEmpty();
        assertThat(agentStore.reserveAttempts("a-1")).isEqualTo(2);
        assertThat(agentStore.get("a-1").loadOn("web")).isEqualTo(1);
        assertThat(conversationStore.timesAssigned("c-1")).isEqualTo(1);
    }

    @Test
    void manyThreadsOnTwoServersNeverOverbookAnAgentNorAssignAConversationTwice() throws Exception {
        for (String id : List.of("a-1", "a-2", "a-3", "a-4")) {
            agent(id).capacity("web", 3).online();
        }
        Dispatcher serverA = new Dispatcher(agentStore, conversationStore, clock);
        Dispatcher serverB = new Dispatcher(agentStore, conversationStore, clock);
        serverA.reload(agentStore.findAll(), List.of());
        serverB.reload(agentStore.findAll(), List.of());
        List<ConversationRecord> all = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            ConversationRecord c = conversation("c-" + i, plan().priority(i % 3 * 30).build(),
                    T0.plusMillis(i));
            conversationStore.insertIfAbsent(c);
            all.add(c);
        }

        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (ConversationRecord c : all) {
                // Each conversation reaches both servers, as a retried request might.
                for (Dispatcher server : List.of(serverA, serverB)) {
                    futures.add(pool.submit(() -> {
                        start.await();
                        return server.submit(c);
                    }));
                }
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        // Settle: each server re-reads every agent, as it would on its next presence or load event.
        // Units given back after a lost race are then filled from what still waits.
        for (Agent a : agentStore.findAll()) {
            serverA.agentChanged(agentStore.get(a.id()));
            serverB.agentChanged(agentStore.get(a.id()));
        }

        Map<String, String> holder = new HashMap<>();
        for (Agent a : agentStore.findAll()) {
            assertThat(a.loadOn("web")).as("load of %s", a.id()).isLessThanOrEqualTo(3);
            assertThat(a.loadOn("web")).isEqualTo(a.active().size());
            for (Agent.ActiveConversation held : a.active()) {
                assertThat(holder.put(held.conversationId(), a.id()))
                        .as("%s held by two agents", held.conversationId()).isNull();
            }
        }
        List<ConversationRecord> assigned = conversationStore.all().stream()
                .filter(c -> c.status() == ConversationStatus.ASSIGNED).toList();
        assertThat(assigned).hasSize(12); // every unit of capacity used, none twice
        for (ConversationRecord c : conversationStore.all()) {
            assertThat(conversationStore.timesAssigned(c.id())).as("times %s assigned", c.id())
                    .isLessThanOrEqualTo(1);
            if (c.status() == ConversationStatus.ASSIGNED) {
                assertThat(holder).containsEntry(c.id(), c.agentId());
            }
        }
        assertThat(holder).hasSize(12);
    }

    // ---------------------------------------------------------------- positions

    @Test
    void positionIsOneBasedAndZeroWhenNotWaiting() {
        submitAt("c-1", plan().priority(50).build(), 0);
        submitAt("c-2", plan().priority(50).build(), 1);
        submitAt("c-3", plan().priority(50).build(), 2);

        assertThat(dispatcher.positionOf("c-1")).isEqualTo(1);
        assertThat(dispatcher.positionOf("c-2")).isEqualTo(2);
        assertThat(dispatcher.positionOf("c-3")).isEqualTo(3);
        assertThat(dispatcher.positionOf("never-submitted")).isZero();
    }

    @Test
    void positionsMoveUpWhenAConversationAheadIsWithdrawnOrAssigned() {
        submitAt("c-1", plan().priority(50).build(), 0);
        submitAt("c-2", plan().priority(50).build(), 1);
        submitAt("c-3", plan().priority(50).build(), 2);

        assertThat(dispatcher.withdraw("c-1")).isTrue();
        assertThat(dispatcher.withdraw("c-1")).isFalse();
        assertThat(dispatcher.positionOf("c-1")).isZero();
        assertThat(dispatcher.positionOf("c-2")).isEqualTo(1);
        assertThat(dispatcher.positionOf("c-3")).isEqualTo(2);

        agent("solo").capacity("web", 1).online();

        assertThat(dispatcher.positionOf("c-2")).isZero();
        assertThat(dispatcher.positionOf("c-3")).isEqualTo(1);
        assertThat(dispatcher.waitingCount()).isEqualTo(1);
    }

    @Test
    void aHigherPriorityArrivalMovesTheOthersBack() {
        submitAt("c-1", plan().priority(20).build(), 0);
        submitAt("c-2", plan().priority(90).build(), 1);

        assertThat(dispatcher.positionOf("c-2")).isEqualTo(1);
        assertThat(dispatcher.positionOf("c-1")).isEqualTo(2);
    }

    // ================================================================ helpers

    private DispatchResult submit(String id, Classification.Plan plan) {
        ConversationRecord c = conversation(id, plan, clock.instant());
        assertThat(conversationStore.insertIfAbsent(c)).isEmpty();
        return dispatcher.submit(c);
    }

    /** Submits at T0 + {@code second}s, so that the order of arrival is explicit. */
    private DispatchResult submitAt(String id, Classification.Plan plan, int second) {
        clock.set(T0.plusSeconds(second));
        return submit(id, plan);
    }

    private static ConversationRecord conversation(String id, Classification.Plan plan, Instant createdAt) {
        return new ConversationRecord(id, "web", "ext-" + id, "text of " + id, plan.language(),
                new ConversationRecord.CustomerInfo("cust-" + id, "regular", false, null, 0, Set.of()),
                new ConversationRecord.EntryInfo(null, null, null), Map.of(), plan, "test-ruleset",
                ConversationStatus.QUEUED, null, "d-" + id, createdAt, null, null, null, null);
    }

    /** The conversation's agent finishes it: the store releases the unit, the dispatcher hears of it. */
    private List<Assignment> finish(String conversationId) {
        ConversationRecord c = conversationStore.get(conversationId);
        assertThat(c.status()).isEqualTo(ConversationStatus.ASSIGNED);
        conversationStore.markEnded(conversationId, ConversationStatus.ASSIGNED, ConversationStatus.CLOSED,
                clock.instant(), Outcome.RESOLVED, null);
        Agent freed = agentStore.release(c.agentId(), conversationId, clock.instant()).orElseThrow();
        return dispatcher.agentChanged(freed);
    }

    /** Capacity taken on another server; this server then refreshes the agent (as after a load change). */
    private void occupyElsewhere(String agentId, String channel, String conversationId) {
        Agent updated = agentStore.occupy(agentId, channel, conversationId, clock.instant()).orElseThrow();
        dispatcher.agentChanged(updated);
    }

    private List<Assignment> setPresence(String agentId, Presence presence) {
        return dispatcher.agentChanged(agentStore.setPresence(agentId, presence, clock.instant()).orElseThrow());
    }

    private static List<String> ids(List<Assignment> assignments) {
        return assignments.stream().map(a -> a.conversation().id()).toList();
    }

    private static Candidate candidate(DispatchResult result, String agentId) {
        return result.candidates().stream().filter(c -> c.agentId().equals(agentId)).findFirst()
                .orElseThrow(() -> new AssertionError("no candidate " + agentId + " in " + result.candidates()));
    }

    private static List<String> reasons(DispatchResult result, String agentId) {
        Candidate c = candidate(result, agentId);
        assertThat(c.eligible()).as("%s eligible", agentId).isFalse();
        return c.excludedBecause();
    }

    private AgentBuilder agent(String id) {
        return new AgentBuilder(id);
    }

    /** An agent with skills {refund:4, general:3}, languages [zh], no team and web capacity 5 unless told otherwise. */
    private final class AgentBuilder {
        private final String id;
        private Map<String, Integer> skills = Map.of("refund", 4, "general", 3);
        private Set<String> languages = Set.of("zh");
        private Set<String> teams = Set.of();
        private final Map<String, Integer> capacity = new LinkedHashMap<>();

        AgentBuilder(String id) {
            this.id = id;
        }

        AgentBuilder skills(Object... skillLevelPairs) {
            Map<String, Integer> s = new LinkedHashMap<>();
            for (int i = 0; i < skillLevelPairs.length; i += 2) {
                s.put((String) skillLevelPairs[i], (Integer) skillLevelPairs[i + 1]);
            }
            skills = s;
            return this;
        }

        AgentBuilder languages(String... l) {
            languages = new LinkedHashSet<>(List.of(l));
            return this;
        }

        AgentBuilder teams(String... t) {
            teams = new LinkedHashSet<>(List.of(t));
            return this;
        }

        AgentBuilder capacity(String channel, int units) {
            capacity.put(channel, units);
            return this;
        }

        /** Saves the profile (a new agent is offline) and tells the dispatcher. */
        List<Assignment> register() {
            Map<String, Integer> cap = capacity.isEmpty() ? Map.of("web", 5) : capacity;
            Agent saved = agentStore.saveProfile(new AgentProfile(id, "Agent " + id, skills, languages, teams, cap),
                    clock.instant());
            return dispatcher.agentChanged(saved);
        }

        List<Assignment> online() {
            List<Assignment> result = new ArrayList<>(register());
            result.addAll(setPresence(id, Presence.ONLINE));
            return result;
        }

        List<Assignment> away() {
            register();
            return setPresence(id, Presence.AWAY);
        }
    }

    private static PlanBuilder plan() {
        return new PlanBuilder();
    }

    /** A refund plan: queue after-sales, language zh, no skills, priority 50, unless told otherwise. */
    private static final class PlanBuilder {
        private final Map<String, Integer> skills = new LinkedHashMap<>();
        private String language = "zh";
        private String team;
        private int priority = 50;
        private String preferred;

        PlanBuilder skill(String skill, int level) {
            skills.put(skill, level);
            return this;
        }

        PlanBuilder language(String l) {
            language = l;
            return this;
        }

        PlanBuilder team(String t) {
            team = t;
            return this;
        }

        PlanBuilder priority(int p) {
            priority = p;
            return this;
        }

        PlanBuilder preferred(String agentId) {
            preferred = agentId;
            return this;
        }

        Classification.Plan build() {
            return new Classification.Plan("refund", "after-sales", Collections.unmodifiableMap(skills), language, team,
                    priority, 90, false, preferred);
        }
    }
}
