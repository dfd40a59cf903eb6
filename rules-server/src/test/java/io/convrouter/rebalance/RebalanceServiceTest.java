package io.convrouter.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.AgentStore;
import io.convrouter.agents.Presence;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.dispatch.DispatchSettings;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.dispatch.InMemoryStores;
import io.convrouter.dispatch.PerformanceStats;
import io.convrouter.events.RoutingEvent;
import io.convrouter.events.RoutingEvents;
import io.convrouter.store.Durability;
import io.convrouter.workbench.QueueDispatch;
import io.convrouter.support.MutableClock;

/**
 * The rebalancer end to end in the routing core, without Spring: a real {@link Dispatcher} over the
 * in-memory stores (the MongoDB stores' atomic claims), a peak backlog the greedy dispatcher
 * matched badly, one {@link RebalanceService#run()}, and then what the stores and the decision log
 * say. No timing assertions: the solver stops on its unimproved-step count, well before the limit.
 */
class RebalanceServiceTest {

    private static final Instant T0 = Instant.parse("2026-03-02T09:00:00Z");
    private static final Duration LEASE_TTL = Duration.ofSeconds(30);

    private final MutableClock clock = new MutableClock(T0);
    private final AgentStore agentStore = InMemoryStores.agents();
    private final ConversationStore conversationStore = InMemoryStores.conversations();
    private final InMemoryDecisionLog decisions = new InMemoryDecisionLog();
    private final List<RoutingEvent> events = new ArrayList<>();
    private final PerformanceStats stats = new PerformanceStats();
    private Dispatcher dispatcher;

    // ---------------------------------------------------------------- skills

    @Test
    void anExpertHoldingAnEasyOfferIsFreedForTheHardConversationThatWaits() {
        offering("best-skill");
        agent("expert").skill("refund", 4).web(1).online();
        agent("junior").skill("refund", 2).web(1).online();
        // The greedy dispatcher gives the easy conversation to the best skilled agent...
        submit("easy", plan().skill("refund", 2));
        assertThat(status("easy")).isEqualTo(ConversationStatus.OFFERED);
        assertThat(holder("easy")).isEqualTo("expert");
        // ...so the hard one, which only the expert can take, waits.
        later(30);
        submit("hard", plan().skill("refund", 4));
        assertThat(status("hard")).isEqualTo(ConversationStatus.QUEUED);
        later(60);

        RebalanceService.Report report = service("one").run();

        assertThat(report.ran()).isTrue();
        assertThat(report.movable()).isEqualTo(2);
        assertThat(report.moves()).isEqualTo(2);
        assertThat(report.score()).startsWith("0hard/0medium/");
        assertThat(report.note()).isEqualTo("2 of 2 planned moves applied");
        assertOffered("easy", "junior");
        assertOffered("hard", "expert");

        DecisionRecord easy = onlyRebalanced("easy");
        assertThat(easy.chosenAgentId()).isEqualTo("junior");
        assertThat(easy.outcome()).isEqualTo("offered");
        assertThat(easy.reason()).startsWith("rebalanced (score 0hard/0medium/")
                .contains("to agent junior: refund level 2 vs 4;")
                .contains("agent expert");
        DecisionRecord hard = onlyRebalanced("hard");
        assertThat(hard.chosenAgentId()).isEqualTo("expert");
        assertThat(hard.reason()).contains("to agent expert: refund level 4 (needs 4);");
        assertThat(report.explanations()).hasSize(2).anySatisfy(e -> assertThat(e).startsWith("hard to agent expert"));
        // The easy one's offer to the expert is revoked, then it is offered to the junior; the hard one is offered.
        assertThat(events).filteredOn(e -> Boolean.TRUE.equals(e.data().get("rebalanced")))
                .extracting(RoutingEvent::type, RoutingEvent::conversationId, RoutingEvent::agentId)
                .containsExactlyInAnyOrder(org.assertj.core.groups.Tuple.tuple(RoutingEvent.OFFER_REVOKED, "easy", "expert"),
                        org.assertj.core.groups.Tuple.tuple(RoutingEvent.OFFERED, "easy", "junior"),
                        org.assertj.core.groups.Tuple.tuple(RoutingEvent.OFFERED, "hard", "expert"));
        assertNoAgentOverCapacity();
    }

    @Test
    void aSecondRunRightAfterwardsChangesNothing() {
        offering("best-skill");
        agent("expert").skill("refund", 4).web(1).online();
        agent("junior").skill("refund", 2).web(1).online();
        submit("easy", plan().skill("refund", 2));
        submit("hard", plan().skill("refund", 4));
        RebalanceService service = service("one");
        assertThat(service.run().moves()).isEqualTo(2);
        int logged = decisions.all().size();

        RebalanceService.Report again = service.run();

        assertThat(again.ran()).isTrue();
        assertThat(again.moves()).isZero();
        assertThat(again.note()).isEqualTo("the current plan is already the best found");
        assertThat(decisions.all()).hasSize(logged);
        assertOffered("easy", "junior");
        assertOffered("hard", "expert");
    }

    // ---------------------------------------------------------------- priority

    @Test
    void aVipWaitingBehindEasierWorkGetsTheAgentOfItsTeam() {
        offering("most-available");
        agent("desk").skill("refund", 3).teams("vip-desk").web(1).online();
        submit("regular", plan().skill("refund", 3).priority(50));
        assertThat(holder("regular")).isEqualTo("desk");
        later(20);
        submit("vip", plan().skill("refund", 3).team("vip-desk").priority(90));
        // An agent outside the VIP team frees up: it can take regular work only.
        agent("floor").skill("refund", 3).web(1).online();
        assertThat(status("vip")).isEqualTo(ConversationStatus.QUEUED);
        later(40);

        RebalanceService.Report report = service("one").run();

        assertThat(report.moves()).isEqualTo(2);
        assertOffered("vip", "desk");
        assertOffered("regular", "floor");
        assertThat(onlyRebalanced("vip").reason()).contains("to agent desk: refund level 3 (needs 3);");
        assertThat(onlyRebalanced("regular").reason()).contains("to agent floor: refund level 3 vs 3;");
        assertNoAgentOverCapacity();
    }

    // ---------------------------------------------------------------- accepted work is pinned

    @Test
    void acceptedConversationsStayWhereTheyAreAndCountAsLoad() {
        offering("best-skill");
        agent("expert").skill("refund", 4).web(2).online();
        submit("accepted", plan().skill("refund", 2));
        dispatcher.accept("accepted", "expert");
        submit("easy", plan().skill("refund", 2));
        assertThat(holder("easy")).isEqualTo("expert");
        submit("hard", plan().skill("refund", 4));
        agent("junior").skill("refund", 2).web(2).online();
        assertThat(status("hard")).isEqualTo(ConversationStatus.QUEUED);

        RebalanceService.Report report = service("one").run();

        assertThat(report.movable()).isEqualTo(2); // the accepted one is not even offered to the solver
        assertThat(conversationStore.find("accepted").orElseThrow().status()).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(holder("accepted")).isEqualTo("expert");
        assertThat(rebalanced("accepted")).isEmpty();
        assertOffered("hard", "expert");
        assertOffered("easy", "junior");
        assertThat(agentStore.find("expert").orElseThrow().active()).extracting(Agent.ActiveConversation::conversationId)
                .containsExactlyInAnyOrder("accepted", "hard");
        assertNoAgentOverCapacity();
    }

    @Test
    void whenQueuesAssignAtOnceNothingIsMovedBecauseEverythingPlacedIsAccepted() {
        assigning("best-skill");
        agent("expert").skill("refund", 4).web(1).online();
        agent("junior").skill("refund", 2).web(1).online();
        submit("easy", plan().skill("refund", 2));
        assertThat(status("easy")).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(holder("easy")).isEqualTo("expert");
        submit("hard", plan().skill("refund", 4));

        RebalanceService.Report report = service("one").run();

        assertThat(report.ran()).isTrue();
        assertThat(report.movable()).isEqualTo(1);
        assertThat(report.moves()).isZero();
        assertThat(decisions.all()).isEmpty();
        assertThat(status("easy")).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(holder("easy")).isEqualTo("expert");
        assertThat(status("hard")).isEqualTo(ConversationStatus.QUEUED);
    }

    @Test
    void nothingWaitingOrOfferedMeansNothingToDo() {
        offering("best-skill");
        agent("a").online();

        RebalanceService.Report report = service("one").run();

        assertThat(report.ran()).isTrue();
        assertThat(report.movable()).isZero();
        assertThat(report.note()).startsWith("nothing to rebalance");
    }

    @Test
    void aConversationNoAgentWithRoomMayTakeIsSkippedWithoutSolving() {
        assigning("best-skill");
        agent("busy").skill("refund", 4).web(1).online();
        agent("unskilled").skill("refund", 1).web(2).online();
        submit("accepted", plan()); // auto-accepted: pinned, it only takes the busy agent's one place
        later(30);
        submit("waiting", plan());
        assertThat(status("waiting")).isEqualTo(ConversationStatus.QUEUED);

        RebalanceService.Report report = service("one").run();

        assertThat(report.ran()).isTrue();
        assertThat(report.movable()).isEqualTo(1);
        assertThat(report.note()).isEqualTo(RebalanceService.NOTHING_TO_MOVE);
        assertThat(report.score()).as("no solver started, so no score").isNull();
        assertThat(report.solveMillis()).isZero();
        assertThat(report.plannedMoves()).isZero();
        assertThat(decisions.all()).isEmpty();
        assertThat(status("waiting")).isEqualTo(ConversationStatus.QUEUED);
    }

    @Test
    void anOfferNoOtherAgentMayTakeWithAWaitingOneNobodyCanTakeIsSkipped() {
        offering("best-skill");
        agent("expert").skill("refund", 4).web(1).online();
        agent("junior").skill("refund", 2).web(1).online();
        submit("hard", plan().skill("refund", 4));
        assertOffered("hard", "expert");
        submit("billing", plan().skill("billing", 2)); // nobody has billing
        assertThat(status("billing")).isEqualTo(ConversationStatus.QUEUED);

        RebalanceService.Report report = service("one").run();

        assertThat(report.movable()).isEqualTo(2);
        assertThat(report.note()).isEqualTo(RebalanceService.NOTHING_TO_MOVE);
        assertThat(report.score()).isNull();
        assertOffered("hard", "expert");
    }

    @Test
    void oneWaitingConversationAndAnOfferThatShouldYieldIsSolvedAndApplied() {
        offering("best-skill");
        agent("only").skill("refund", 4).web(1).online();
        submit("low", plan().priority(10));
        assertOffered("low", "only");
        submit("vip", plan().priority(90));
        assertThat(status("vip")).isEqualTo(ConversationStatus.QUEUED);

        RebalanceService.Report report = service("one").run();

        assertThat(report.note()).isNotEqualTo(RebalanceService.NOTHING_TO_MOVE);
        assertThat(report.score()).startsWith("0hard/");
        assertOffered("vip", "only");
        assertThat(status("low")).isEqualTo(ConversationStatus.QUEUED);
    }

    // ---------------------------------------------------------------- applying the plan

    @Test
    void movesAreAppliedInAnOrderWhereEachFindsItsPlannedAgentFree() {
        offering("most-available");
        agent("x").skill("billing", 3).web(1).online();
        agent("y").skill("billing", 3).web(1).online();
        submit("o1", plan().noSkills());
        submit("o2", plan().noSkills());
        assertThat(Set.of(holder("o1"), holder("o2"))).containsExactlyInAnyOrder("x", "y");
        later(10);
        submit("w-high", plan().skill("billing", 3).priority(90));
        submit("w-low", plan().skill("billing", 3).priority(10).preferred("x"));
        // Two agents who can take the plain offers, not the billing ones.
        agent("z").noSkills().web(1).online();
        agent("w").noSkills().web(1).online();

        RebalanceService.Report report = service("one").run();

        // w-low goes to its preferred agent x, w-high to y: both claimed as planned, before the
        // dispatcher's own refill of the agents the moved offers freed could give x the first in
        // queue order (w-high).
        assertOffered("w-low", "x");
        assertOffered("w-high", "y");
        assertThat(Set.of(holder("o1"), holder("o2"))).containsExactlyInAnyOrder("z", "w");
        assertThat(report.moves()).isEqualTo(4);
        assertThat(report.note()).isEqualTo("4 of 4 planned moves applied");
        for (String id : List.of("o1", "o2", "w-high", "w-low")) {
            DecisionRecord d = onlyRebalanced(id);
            assertThat(d.reason()).as("reason of %s", id).contains("to agent " + d.chosenAgentId() + ":");
        }
        assertThat(onlyRebalanced("w-low").reason()).contains("the customer's preferred agent");
        assertNoAgentOverCapacity();
    }

    @Test
    void aSwapBetweenFullAgentsIsAppliedByTakingBothOffersBackFirst() {
        offering("most-available");
        agent("x").web(1).online();
        submit("a", plan().preferred("y"));
        assertThat(holder("a")).isEqualTo("x");
        agent("y").web(1).online();
        submit("b", plan().preferred("x"));
        assertThat(holder("b")).isEqualTo("y");
        Instant queuedA = conversationStore.find("a").orElseThrow().queuedAt();
        later(5);

        RebalanceService.Report report = service("one").run();

        // Each would rather be with the other agent and both agents are full: one offer at a time
        // cannot make the swap, taking both back first can.
        assertThat(report.plannedMoves()).isEqualTo(2);
        assertThat(report.moves()).isEqualTo(2);
        assertThat(report.note()).isEqualTo("2 of 2 planned moves applied");
        assertOffered("a", "y");
        assertOffered("b", "x");
        ConversationRecord a = conversationStore.find("a").orElseThrow();
        assertThat(a.queuedAt()).as("keeps its age").isEqualTo(queuedA);
        assertThat(a.progress().declinedBy()).as("a take-back is not a decline").isEmpty();
        assertThat(a.progress().offerExpiresAt()).as("a fresh offer").isEqualTo(clock.instant().plusSeconds(600));
        assertThat(onlyRebalanced("a").reason()).contains("to agent y:").contains("agent x had")
                .contains("the customer's preferred agent");
        assertThat(events).filteredOn(e -> e.conversationId().equals("a")).extracting(RoutingEvent::type, RoutingEvent::agentId)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(RoutingEvent.OFFER_REVOKED, "x"),
                        org.assertj.core.groups.Tuple.tuple(RoutingEvent.OFFERED, "y"));
        assertNoAgentOverCapacity();
    }

    @Test
    void anOfferGoesBackToTheQueueForAVipTheDispatcherWouldHaveServedFirst() {
        offering("most-available");
        agent("desk").teams("vip-desk").online();
        submit("regular", plan().priority(40));
        assertThat(holder("regular")).isEqualTo("desk");
        later(15 * 60);
        submit("vip", plan().priority(90).team("vip-desk"));
        assertThat(status("vip")).isEqualTo(ConversationStatus.QUEUED);
        later(10);

        RebalanceService.Report report = service("one").run();

        assertThat(report.note()).isEqualTo("2 of 2 planned moves applied");
        assertOffered("vip", "desk");
        ConversationRecord regular = conversationStore.find("regular").orElseThrow();
        assertThat(regular.status()).isEqualTo(ConversationStatus.QUEUED);
        assertThat(regular.queuedAt()).as("keeps its age").isEqualTo(T0);
        assertThat(regular.progress().declinedBy()).isEmpty();
        assertThat(dispatcher.positionOf("regular")).isEqualTo(1);
        DecisionRecord back = onlyRebalanced("regular");
        assertThat(back.outcome()).isEqualTo("queued");
        assertThat(back.chosenAgentId()).isNull();
        assertThat(back.reason()).startsWith("rebalanced (score 0hard/")
                .contains("offer to agent desk taken back to the queue, where it keeps its age (priority 40")
                .contains("agent desk's place goes to vip (priority 90");
        assertThat(onlyRebalanced("vip").reason()).contains("to agent desk: refund level 3 (needs 3);");
        assertThat(events).filteredOn(e -> e.conversationId().equals("regular")).extracting(RoutingEvent::type)
                .containsExactly(RoutingEvent.OFFER_REVOKED);
        assertNoAgentOverCapacity();
    }

    @Test
    void anOfferAcceptedBeforeThePlanIsAppliedStaysAndItsPlannedTakerIsDispatchedAsUsual() {
        offering("most-available");
        agent("desk").teams("vip-desk").online();
        submit("regular", plan().priority(40));
        later(60);
        submit("vip", plan().priority(90).team("vip-desk"));
        // The plan is made on a snapshot where "regular" is a movable offer...
        Dispatcher.Snapshot snapshot = dispatcher.snapshot();
        RebalanceService service = service("one");
        RebalancePlan problem = service.problem(snapshot);
        Rebalancer.Result result = new Rebalancer(Duration.ofSeconds(60), 50).solve(problem);
        assertThat(result.moves()).contains(new Rebalancer.Move("regular", "desk", null));
        // ...then the agent accepts it before the take-back: the guarded take-back refuses to touch it.
        dispatcher.accept("regular", "desk");

        Dispatcher.Replanned replanned = dispatcher.replan(Map.of("regular", "desk"), Map.of("vip", "desk"));

        assertThat(replanned.takenBack()).isEmpty();
        assertThat(replanned.asPlanned()).isEmpty();
        assertThat(status("regular")).isEqualTo(ConversationStatus.ASSIGNED);
        assertThat(holder("regular")).isEqualTo("desk");
        assertThat(status("vip")).isEqualTo(ConversationStatus.QUEUED);
        assertThat(dispatcher.positionOf("vip")).isEqualTo(1);
        assertNoAgentOverCapacity();
    }

    @Test
    void aPlannedPlaceThatIsGoneIsDispatchedAsUsualSoNothingIsLost() {
        offering("most-available");
        agent("x").web(1).online();
        agent("y").web(1).online();
        submit("a", plan().preferred("y"));
        String first = holder("a");
        String other = first.equals("x") ? "y" : "x";
        submit("w", plan());
        assertThat(holder("w")).isEqualTo(other);
        later(5);
        // The plan moves "a" to a place the other agent no longer has when it is applied.
        agentStore.setPresence(other, Presence.AWAY, clock.instant());
        dispatcher.agentChanged(agentStore.find(other).orElseThrow());

        Dispatcher.Replanned replanned = dispatcher.replan(Map.of("a", first), Map.of("a", other));

        assertThat(replanned.takenBack()).extracting(t -> t.conversation().id()).containsExactly("a");
        assertThat(replanned.asPlanned()).isEmpty();
        assertThat(replanned.otherwise().assignments()).extracting(x -> x.conversation().id(), x -> x.agentId())
                .containsExactly(org.assertj.core.groups.Tuple.tuple("a", first));
        assertOffered("a", first);
        assertNoAgentOverCapacity();
    }

    // ---------------------------------------------------------------- a peak backlog

    @Test
    void aPeakBacklogIsRebalancedWithinTheRulesAndEveryMoveIsExplained() {
        offering("best-skill");
        // The peak starts with four experts online (refund, shipping and billing at level 4-5, two
        // places each; two of them on the VIP team, one speaking only zh).
        agent("expert-1").noSkills().skill("refund", 5).skill("shipping", 5).skill("billing", 4).web(2)
                .languages("zh", "en").teams("vip-desk").online();
        agent("expert-2").noSkills().skill("refund", 4).skill("shipping", 5).skill("billing", 4).web(2)
                .languages("zh", "en").online();
        agent("expert-3").noSkills().skill("refund", 4).skill("shipping", 4).skill("billing", 5).web(2)
                .languages("zh").teams("vip-desk").online();
        agent("expert-4").noSkills().skill("refund", 5).skill("shipping", 5).skill("billing", 5).web(2)
                .languages("zh", "en").online();
        // Conversations arrive every 15 s: routine ones first (level 1-2), which the experts take...
        Random random = new Random(7);
        List<String> skills = List.of("refund", "shipping", "billing");
        int n = 0;
        for (int i = 0; i < 8; i++, n++) {
            submit(String.format("c%02d", n), plan().noSkills().skill(skills.get(i % 3), 1 + random.nextInt(2))
                    .priority(20 + random.nextInt(40)).language(i % 4 == 3 ? "en" : "zh"));
            later(15);
        }
        // ...one is accepted at once (pinned)...
        dispatcher.accept("c00", holder("c00"));
        // ...then hard ones (level 4-5) and VIPs of the VIP team, who must wait.
        for (int i = 0; i < 7; i++, n++) {
            PlanSpec p = plan().noSkills().skill(skills.get(i % 3), 4 + random.nextInt(2)).priority(30 + random.nextInt(40))
                    .language(i == 2 ? "en" : "zh");
            if (i % 3 == 1) {
                p.priority(90).team("vip-desk");
            }
            submit(String.format("c%02d", n), p);
            later(15);
        }
        // Routine work keeps coming while four juniors (level 2-3) come online one by one; they take
        // what they can of the queue, in queue order.
        for (int i = 0; i < 3; i++, n++) {
            submit(String.format("c%02d", n), plan().noSkills().skill(skills.get(i), 1).priority(40).language("zh"));
        }
        agent("junior-1").noSkills().skill("refund", 3).skill("shipping", 2).skill("billing", 2).web(2).online();
        agent("junior-2").noSkills().skill("refund", 2).skill("shipping", 3).skill("billing", 2).web(2)
                .languages("zh", "en").online();
        agent("junior-3").noSkills().skill("refund", 2).skill("shipping", 2).skill("billing", 3).web(2).online();
        agent("junior-4").noSkills().skill("refund", 3).skill("shipping", 3).skill("billing", 3).web(2)
                .languages("zh", "en").online();
        Map<String, String> accepted = Map.of("c00", holder("c00"));
        assertThat(conversationStore.findQueued()).as("conversations the greedy dispatcher left waiting").hasSize(7);
        Map<String, String> before = holders();
        later(30);
        long waitingWeightBefore = waitingWeight();
        long vipsWaitingBefore = conversationStore.findQueued().stream().filter(c -> c.plan().priority() >= 90).count();

        RebalanceService.Report report = service("one").run();

        assertThat(report.ran()).isTrue();
        assertThat(report.moves()).isPositive();
        // Accepted work never moves.
        accepted.forEach((id, agent) -> {
            ConversationRecord c = conversationStore.find(id).orElseThrow();
            assertThat(c.status()).as("status of accepted %s", id).isEqualTo(ConversationStatus.ASSIGNED);
            assertThat(c.agentId()).as("agent of accepted %s", id).isEqualTo(agent);
            assertThat(rebalanced(id)).as("decisions of accepted %s", id).isEmpty();
        });
        // Every conversation that changed hands (or went back to the queue) has exactly one REBALANCED
        // decision naming where it went and why.
        Map<String, String> after = holders();
        int changed = 0;
        int backToQueue = 0;
        for (String id : after.keySet()) {
            String now = after.get(id);
            if (java.util.Objects.equals(now, before.get(id))) {
                assertThat(rebalanced(id)).as("decisions of unchanged %s", id).isEmpty();
                continue;
            }
            changed++;
            DecisionRecord d = onlyRebalanced(id);
            assertThat(d.reason()).as("reason of %s", id).startsWith("rebalanced (score ");
            if (now == null) {
                backToQueue++;
                assertThat(d.outcome()).isEqualTo("queued");
                assertThat(d.reason()).as("reason of %s", id)
                        .contains("offer to agent " + before.get(id) + " taken back to the queue, where it keeps its age")
                        .contains("place goes to");
            } else {
                assertThat(d.chosenAgentId()).isEqualTo(now);
                assertThat(d.outcome()).isEqualTo("offered");
                assertThat(d.reason()).as("reason of %s", id).contains("to agent " + now + ":")
                        .containsPattern("[a-z]+ level \\d");
            }
        }
        assertThat(decisions.all()).hasSize(changed).allSatisfy(d -> assertThat(d.kind()).isEqualTo(DecisionKind.REBALANCED));
        assertThat(report.moves()).isEqualTo(changed);
        assertThat(report.asPlanned()).as(report.note()).isEqualTo(report.plannedMoves());
        assertThat(events).filteredOn(e -> e.type().equals(RoutingEvent.OFFER_REVOKED)).hasSizeGreaterThanOrEqualTo(backToQueue);
        // Nobody over capacity; the backlog weighs less than before (priority x wait), and fewer VIPs wait.
        assertNoAgentOverCapacity();
        assertThat(waitingWeight()).isLessThan(waitingWeightBefore);
        assertThat(conversationStore.findQueued().stream().filter(c -> c.plan().priority() >= 90).count())
                .isLessThan(vipsWaitingBefore);
        // Every conversation sits with an agent who meets what it needs.
        for (ConversationRecord c : conversationStore.findOffered()) {
            Agent a = agentStore.find(c.agentId()).orElseThrow();
            c.plan().requiredSkills().forEach((skill, level) ->
                    assertThat(a.skills().getOrDefault(skill, 0)).as("%s %s at %s", c.id(), skill, a.id())
                            .isGreaterThanOrEqualTo(level));
            assertThat(a.languages()).as("languages of %s for %s", a.id(), c.id()).contains(c.plan().language());
            if (c.plan().team() != null) {
                assertThat(a.teams()).contains(c.plan().team());
            }
        }
    }

    // ---------------------------------------------------------------- the lease

    @Test
    void whileOneInstanceHoldsTheLeaseAnotherDoesNotRebalance() {
        offering("best-skill");
        agent("expert").skill("refund", 4).web(1).online();
        agent("junior").skill("refund", 2).web(1).online();
        submit("easy", plan().skill("refund", 2));
        submit("hard", plan().skill("refund", 4));
        SharedLease lease = new SharedLease();
        RebalanceService one = service("one", lease);
        RebalanceService two = service("two", lease);

        RebalanceService.Report first = one.run();
        RebalanceService.Report second = two.run();

        assertThat(first.ran()).isTrue();
        assertThat(first.moves()).isEqualTo(2);
        assertThat(second.ran()).isFalse();
        assertThat(second.note()).isEqualTo("another server instance holds the rebalance lease");
        assertThat(second.moves()).isZero();
        assertThat(decisions.all()).hasSize(2);
        assertThat(lease.holder()).isEqualTo("one");

        // The holder renews it; once it lapses (the holder stopped), the other takes over.
        later(10);
        assertThat(one.run().ran()).isTrue();
        assertThat(two.run().ran()).isFalse();
        clock.advance(LEASE_TTL.plusSeconds(1));
        assertThat(two.run().ran()).isTrue();
        assertThat(lease.holder()).isEqualTo("two");
        assertThat(one.run().ran()).isFalse();
    }

    @Test
    void twoInstancesStartingTogetherRebalanceOnlyOnce() throws Exception {
        offering("best-skill");
        agent("expert").skill("refund", 4).web(1).online();
        agent("junior").skill("refund", 2).web(1).online();
        submit("easy", plan().skill("refund", 2));
        submit("hard", plan().skill("refund", 4));
        SharedLease lease = new SharedLease();
        List<RebalanceService> services = List.of(service("one", lease), service("two", lease), service("three", lease));
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(services.size());
        try {
            List<Future<RebalanceService.Report>> runs = new ArrayList<>();
            for (RebalanceService s : services) {
                Callable<RebalanceService.Report> run = () -> {
                    start.await();
                    return s.run();
                };
                runs.add(pool.submit(run));
            }
            start.countDown();
            List<RebalanceService.Report> reports = new ArrayList<>();
            for (Future<RebalanceService.Report> f : runs) {
                reports.add(f.get(5, TimeUnit.MINUTES));
            }
            assertThat(reports).filteredOn(RebalanceService.Report::ran).hasSize(1);
            assertThat(reports).filteredOn(r -> !r.ran()).extracting(RebalanceService.Report::note)
                    .containsOnly("another server instance holds the rebalance lease");
        } finally {
            pool.shutdownNow();
        }
        assertThat(decisions.all()).hasSize(2);
        assertOffered("easy", "junior");
        assertOffered("hard", "expert");
    }

    // ================================================================ set-up helpers

    private void offering(String strategy) {
        dispatcher = new Dispatcher(agentStore, conversationStore, clock, settings(strategy, false), stats);
    }

    private void assigning(String strategy) {
        dispatcher = new Dispatcher(agentStore, conversationStore, clock, settings(strategy, true), stats);
    }

    /** Every queue offers (or assigns) with the strategy, no timers that would fire in a test, a chat weighs 1 unit. */
    private static DispatchSettings settings(String strategy, boolean autoAccept) {
        QueueDispatch d = new QueueDispatch(strategy, Map.of(), autoAccept, 600, 0, 0, 0, 0, 0, List.of(), List.of(), 180,
                0, 0, "bot", null, "message");
        return new DispatchSettings() {
            @Override
            public QueueDispatch of(String queue) {
                return d;
            }

            @Override
            public int unitsOf(String channel) {
                return "web".equals(channel) ? 1000 : 500;
            }
        };
    }

    private RebalanceService service(String instance) {
        return service(instance, RebalanceLease.ALWAYS);
    }

    private RebalanceService service(String instance, RebalanceLease lease) {
        RoutingEvents sink = e -> {
            synchronized (events) {
                events.add(e);
            }
        };
        return new RebalanceService(dispatcher, new Rebalancer(Duration.ofSeconds(60), 50), stats, decisions, sink,
                lease, Durability.NONE, clock, instance, LEASE_TTL);
    }

    private void later(int seconds) {
        clock.advance(Duration.ofSeconds(seconds));
    }

    private void submit(String id, PlanSpec plan) {
        Classification.Plan p = plan.build();
        ConversationRecord c = new ConversationRecord(id, "web", "ext-" + id, "text of " + id, p.language(),
                new ConversationRecord.CustomerInfo("cust-" + id, p.priority() >= 90 ? "vip" : "regular", false, null, 0,
                        Set.of()),
                new ConversationRecord.EntryInfo(null, null, null), Map.of(), p, "test-ruleset",
                ConversationStatus.QUEUED, null, "d-" + id, clock.instant(), null, null, null, null, null, null);
        assertThat(conversationStore.insertIfAbsent(c)).isEmpty();
        dispatcher.submit(c);
    }

    private AgentSpec agent(String id) {
        return new AgentSpec(id);
    }

    /** An agent with refund 3, speaking zh, no team, serving every queue, web capacity 1, unless told otherwise. */
    private final class AgentSpec {
        private final String id;
        private final Map<String, Integer> skills = new LinkedHashMap<>(Map.of("refund", 3));
        private Set<String> languages = Set.of("zh");
        private Set<String> teams = Set.of();
        private int web = 1;

        AgentSpec(String id) {
            this.id = id;
        }

        AgentSpec noSkills() { skills.clear(); return this; }
        AgentSpec skill(String s, int level) { skills.put(s, level); return this; }
        AgentSpec languages(String... l) { languages = new LinkedHashSet<>(List.of(l)); return this; }
        AgentSpec teams(String... t) { teams = new LinkedHashSet<>(List.of(t)); return this; }
        AgentSpec web(int places) { web = places; return this; }

        /** Saves the profile, sets the agent online and tells the dispatcher (which may give it waiting work). */
        void online() {
            agentStore.saveProfile(new AgentProfile(id, "Agent " + id, skills, languages, teams, Map.of("web", web),
                    Set.of(), 10_000), clock.instant());
            dispatcher.agentChanged(agentStore.setPresence(id, Presence.ONLINE, clock.instant()).orElseThrow());
        }
    }

    private static PlanSpec plan() {
        return new PlanSpec();
    }

    /** A refund plan in queue after-sales: refund 3, zh, no team, priority 50, unless told otherwise. */
    private static final class PlanSpec {
        private final Map<String, Integer> skills = new LinkedHashMap<>(Map.of("refund", 3));
        private String language = "zh";
        private String team;
        private int priority = 50;
        private String preferred;

        PlanSpec noSkills() { skills.clear(); return this; }
        PlanSpec skill(String s, int level) { skills.put(s, level); return this; }
        PlanSpec language(String l) { language = l; return this; }
        PlanSpec team(String t) { team = t; return this; }
        PlanSpec priority(int p) { priority = p; return this; }
        PlanSpec preferred(String agentId) { preferred = agentId; return this; }

        Classification.Plan build() {
            return new Classification.Plan("refund", "after-sales", skills, language, team, priority, 90, false, preferred);
        }
    }

    // ================================================================ assertions

    private ConversationStatus status(String id) {
        return conversationStore.find(id).orElseThrow().status();
    }

    private String holder(String id) {
        return conversationStore.find(id).orElseThrow().agentId();
    }

    private void assertOffered(String id, String agentId) {
        ConversationRecord c = conversationStore.find(id).orElseThrow();
        assertThat(c.status()).as("status of %s", id).isEqualTo(ConversationStatus.OFFERED);
        assertThat(c.agentId()).as("agent of %s", id).isEqualTo(agentId);
        assertThat(agentStore.find(agentId).orElseThrow().holds(id)).as("%s holds %s", agentId, id).isTrue();
    }

    private List<DecisionRecord> rebalanced(String id) {
        return decisions.forConversation(id).stream().filter(d -> d.kind() == DecisionKind.REBALANCED).toList();
    }

    private DecisionRecord onlyRebalanced(String id) {
        List<DecisionRecord> found = rebalanced(id);
        assertThat(found).as("REBALANCED decisions of %s", id).hasSize(1);
        return found.get(0);
    }

    private List<ConversationRecord> offered() {
        return conversationStore.findOffered();
    }

    /** Conversation id to the agent holding it (offered or accepted), or null while it waits. */
    private Map<String, String> holders() {
        Map<String, String> h = new HashMap<>();
        conversationStore.findQueued().forEach(c -> h.put(c.id(), null));
        conversationStore.findOffered().forEach(c -> h.put(c.id(), c.agentId()));
        conversationStore.findAssigned().forEach(c -> h.put(c.id(), c.agentId()));
        return h;
    }

    /** What the waiting conversations weigh: the solver's medium score (these queues do not age priority). */
    private long waitingWeight() {
        long total = 0;
        for (ConversationRecord c : conversationStore.findQueued()) {
            total += PlanConversation.waitingWeight(c.plan().priority());
        }
        return total;
    }

    /**
     * No agent over capacity on a channel or in weighted units, and what each agent holds in the
     * store is exactly what the conversations say (nothing held twice, nothing lost).
     */
    private void assertNoAgentOverCapacity() {
        Map<String, String> heldBy = new HashMap<>();
        for (Agent a : agentStore.findAll()) {
            a.capacity().forEach((channel, cap) ->
                    assertThat(a.loadOn(channel)).as("load of %s on %s", a.id(), channel).isLessThanOrEqualTo(cap));
            assertThat(a.unitsUsed()).as("units of %s", a.id()).isLessThanOrEqualTo(a.maxUnits());
            for (Agent.ActiveConversation held : a.active()) {
                assertThat(heldBy.put(held.conversationId(), a.id())).as("%s held twice", held.conversationId()).isNull();
            }
        }
        Map<String, String> expected = new HashMap<>();
        conversationStore.findOffered().forEach(c -> expected.put(c.id(), c.agentId()));
        conversationStore.findAssigned().forEach(c -> expected.put(c.id(), c.agentId()));
        assertThat(heldBy).isEqualTo(expected);
    }

    // ================================================================ test doubles

    /** A decision log in memory. */
    static final class InMemoryDecisionLog implements DecisionLog {
        private final List<DecisionRecord> records = new ArrayList<>();

        @Override
        public synchronized void append(DecisionRecord decision) {
            records.add(decision);
        }

        @Override
        public synchronized void appendIfAbsent(DecisionRecord decision) {
            if (records.stream().noneMatch(d -> d.id().equals(decision.id()))) {
                records.add(decision);
            }
        }

        @Override
        public synchronized List<DecisionRecord> forConversation(String conversationId) {
            return records.stream().filter(d -> conversationId.equals(d.conversationId())).toList();
        }

        @Override
        public synchronized List<DecisionRecord> find(DecisionQuery q) {
            List<DecisionRecord> matching = new ArrayList<>(records.stream()
                    .filter(d -> q.conversationId() == null || q.conversationId().equals(d.conversationId()))
                    .filter(d -> q.agentId() == null || q.agentId().equals(d.chosenAgentId()))
                    .filter(d -> q.from() == null || !d.at().isBefore(q.from()))
                    .filter(d -> q.to() == null || d.at().isBefore(q.to()))
                    .toList());
            java.util.Collections.reverse(matching);
            int from = Math.min(matching.size(), q.page() * q.size());
            return matching.subList(from, Math.min(matching.size(), from + q.size()));
        }

        @Override
        public synchronized long count(DecisionQuery q) {
            return find(new DecisionQuery(q.from(), q.to(), q.conversationId(), q.agentId(), q.rule(), q.queue(), 0,
                    Integer.MAX_VALUE)).size();
        }

        synchronized List<DecisionRecord> all() {
            return List.copyOf(records);
        }
    }

    /** One lease shared by several service instances, as one MongoDB document would be. */
    static final class SharedLease implements RebalanceLease {
        private String holder;
        private Instant until;

        @Override
        public synchronized boolean acquire(String who, Instant now, Duration ttl) {
            if (holder != null && !holder.equals(who) && until.isAfter(now)) {
                return false;
            }
            holder = who;
            until = now.plus(ttl);
            return true;
        }

        synchronized String holder() {
            return holder;
        }
    }
}
