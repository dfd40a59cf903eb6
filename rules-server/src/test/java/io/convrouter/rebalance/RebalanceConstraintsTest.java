package io.convrouter.rebalance;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.optaplanner.core.api.score.buildin.hardmediumsoftlong.HardMediumSoftLongScore;
import org.optaplanner.test.api.score.stream.ConstraintVerifier;

/**
 * Every constraint of {@link RebalanceConstraints}, one at a time, with ConstraintVerifier: a case
 * it penalizes or rewards by an exact match weight, and a case it leaves alone. The match weight is
 * what the constraint's weigher returns; the level (hard, medium, soft) and the multiplier are
 * pinned once for the whole provider in {@link Weights}.
 */
class RebalanceConstraintsTest {

    private final ConstraintVerifier<RebalanceConstraints, RebalancePlan> verifier = ConstraintVerifier.build(
            new RebalanceConstraints(), RebalancePlan.class, PlanConversation.class);

    // ---------------------------------------------------------------- hard: required skills

    @Test
    void requiredSkills_penalizesEveryMissingLevelAcrossTheRequiredSkills() {
        // refund: needs 4, has 2 (2 short); shipping: needs 2, lacks it (2 short); general: above it.
        PlanConversation c = conversation("c1").skill("refund", 4).skill("shipping", 2).skill("general", 1)
                .on(agent("a").skill("refund", 2).skill("general", 3));

        verifier.verifyThat(RebalanceConstraints::requiredSkills).given(c).penalizesBy(4);
    }

    @Test
    void requiredSkills_anAgentAtOrAboveEveryMinimumIsNotPenalized() {
        PlanConversation exact = conversation("exact").skill("refund", 3).on(agent("a").skill("refund", 3));
        PlanConversation above = conversation("above").skill("refund", 3).on(agent("b").skill("refund", 5));
        PlanConversation none = conversation("none").noSkills().on(agent("c").noSkills());

        verifier.verifyThat(RebalanceConstraints::requiredSkills).given(exact, above, none).penalizesBy(0);
    }

    @Test
    void requiredSkills_aConversationLeftWaitingIsNotPenalized() {
        verifier.verifyThat(RebalanceConstraints::requiredSkills)
                .given(conversation("waiting").skill("refund", 5).waiting()).penalizesBy(0);
    }

    // ---------------------------------------------------------------- hard: language

    @Test
    void language_anAgentWhoDoesNotSpeakTheLanguageIsPenalizedOnce() {
        PlanConversation c = conversation("c1").language("zh").on(agent("a").languages("en", "fr"));

        verifier.verifyThat(RebalanceConstraints::language).given(c).penalizesBy(1);
    }

    @Test
    void language_languagesMatchOnTheirPrimarySubtagAndNoLanguageMatchesAnyone() {
        PlanConversation regional = conversation("regional").language("zh-CN").on(agent("a").languages("zh"));
        PlanConversation upper = conversation("upper").language("EN").on(agent("b").languages("en-GB"));
        PlanConversation unspecified = conversation("unspecified").language(null).on(agent("c").languages("fr"));

        verifier.verifyThat(RebalanceConstraints::language).given(regional, upper, unspecified).penalizesBy(0);
    }

    // ---------------------------------------------------------------- hard: eligible agent

    @Test
    void eligibleAgent_anAgentWhoIsNotAvailableIsPenalized() {
        PlanConversation c = conversation("c1").on(agent("a").unavailable());

        verifier.verifyThat(RebalanceConstraints::eligibleAgent).given(c).penalizesBy(1);
    }

    @Test
    void eligibleAgent_anAgentOutsideTheRequiredTeamIsPenalized() {
        PlanConversation c = conversation("c1").team("vip-desk").on(agent("a").teams("senior"));

        verifier.verifyThat(RebalanceConstraints::eligibleAgent).given(c).penalizesBy(1);
    }

    @Test
    void eligibleAgent_anAgentWhoseQueuesServeNoneOfTheConversationsQueuesIsPenalized() {
        PlanConversation c = conversation("c1").servedBy("after-sales", "logistics").on(agent("a").queues("sales"));

        verifier.verifyThat(RebalanceConstraints::eligibleAgent).given(c).penalizesBy(1);
    }

    @Test
    void eligibleAgent_anAgentWhoDeclinedTheConversationIsPenalized() {
        PlanConversation c = conversation("c1").declinedBy("a", "x").on(agent("a"));

        verifier.verifyThat(RebalanceConstraints::eligibleAgent).given(c).penalizesBy(1);
    }

    @Test
    void eligibleAgent_anyAgentButTheStickyOneIsPenalizedWhileTheStickyWindowIsOpen() {
        PlanConversation elsewhere = conversation("elsewhere").only("li").on(agent("wang"));
        PlanConversation withHer = conversation("with-her").only("li").on(agent("li"));

        verifier.verifyThat(RebalanceConstraints::eligibleAgent).given(elsewhere, withHer).penalizesBy(1);
    }

    @Test
    void eligibleAgent_severalCausesAtOnceStillCountAsOneIneligibleAgent() {
        PlanConversation c = conversation("c1").team("vip-desk").declinedBy("a")
                .on(agent("a").unavailable().teams().queues("sales"));

        verifier.verifyThat(RebalanceConstraints::eligibleAgent).given(c).penalizesBy(1);
    }

    @Test
    void eligibleAgent_anEligibleAgentIsNotPenalized() {
        PlanConversation inTeam = conversation("in-team").team("vip-desk").servedBy("vip-desk", "after-sales")
                .declinedBy("someone-else").on(agent("a").teams("vip-desk", "senior").queues("after-sales"));
        // An agent with no queues serves every queue; a conversation with no queue list takes any agent.
        PlanConversation anyQueue = conversation("any-queue").on(agent("b").queues());
        PlanConversation unrestricted = conversation("unrestricted").servedBy().on(agent("c").queues("sales"));

        verifier.verifyThat(RebalanceConstraints::eligibleAgent).given(inTeam, anyQueue, unrestricted)
                .penalizesBy(0);
    }

    // ---------------------------------------------------------------- hard: capacity

    @Test
    void channelCapacity_penalizesEachConversationBeyondTheFreePlacesOnItsChannel() {
        PlanAgent a = agent("a").free("web", 2).free("email", 1).build();
        List<PlanConversation> all = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            all.add(conversation("web-" + i).channel("web").on(a)); // 5 on 2 places: 3 over
        }
        all.add(conversation("email-0").channel("email").on(a)); // 1 on 1 place: fine
        all.add(conversation("phone-0").channel("phone").on(a)); // no place on phone at all: 1 over

        verifier.verifyThat(RebalanceConstraints::channelCapacity).given(all.toArray()).penalizesBy(4);
    }

    @Test
    void channelCapacity_conversationsWithinTheFreePlacesAreNotPenalized() {
        PlanAgent a = agent("a").free("web", 2).build();
        PlanAgent b = agent("b").free("web", 1).build();

        verifier.verifyThat(RebalanceConstraints::channelCapacity).given(
                conversation("c1").on(a), conversation("c2").on(a), conversation("c3").on(b),
                conversation("waiting").waiting()).penalizesBy(0);
    }

    @Test
    void weightedCapacity_penalizesTheUnitsOverTheFreeUnitsInWholeUnitsRoundedUp() {
        PlanAgent a = agent("a").freeUnits(1500).build();
        PlanAgent b = agent("b").freeUnits(500).build();
        // a: 2,000 milli-units on 1,500 free: 500 over, rounded up to 1 unit.
        // b: 3,000 on 500: 2,500 over, 3 units.
        verifier.verifyThat(RebalanceConstraints::weightedCapacity).given(
                conversation("a1").units(1000).on(a), conversation("a2").units(1000).on(a),
                conversation("b1").units(1000).on(b), conversation("b2").units(1000).on(b),
                conversation("b3").units(1000).on(b)).penalizesBy(4);
    }

    @Test
    void weightedCapacity_unitsUpToTheFreeUnitsAreNotPenalized() {
        PlanAgent a = agent("a").freeUnits(1500).build();

        verifier.verifyThat(RebalanceConstraints::weightedCapacity).given(
                conversation("chat").units(1000).on(a), conversation("email").units(500).on(a),
                conversation("waiting").units(5000).waiting()).penalizesBy(0);
    }

    // ---------------------------------------------------------------- medium: left waiting

    @Test
    void conversationsLeftWaiting_penalizesEachWaitingConversationBy16TimesTwoToTheEffectivePriorityOver10() {
        // Without aging the effective priority is the priority: 16 x 2^9 + 16 x 2^2 + 16 x 2^0.
        PlanConversation vip = conversation("vip").priority(90).aging(0).waited(150).waiting(); // 8,192
        PlanConversation fresh = conversation("fresh").priority(20).aging(0).waited(59).waiting(); // 64
        PlanConversation zero = conversation("zero").priority(0).waited(0).waiting(); // 16

        verifier.verifyThat(RebalanceConstraints::conversationsLeftWaiting).given(vip, fresh, zero)
                .penalizesBy(8_272);
    }

    @Test
    void conversationsLeftWaiting_agingRaisesTheWeightAsTheQueueRaisesThePriority() {
        // Priority 20 after 10 minutes at 1 point a minute, or after 2 minutes at 5 a minute: 30 -> 16 x 2^3.
        PlanConversation slow = conversation("slow").priority(20).aging(1).waited(600).waiting();
        PlanConversation fast = conversation("fast").priority(20).aging(5).waited(120).waiting();

        verifier.verifyThat(RebalanceConstraints::conversationsLeftWaiting).given(slow, fast).penalizesBy(2 * 128);
    }

    @Test
    void conversationsLeftWaiting_weighsInTheDispatchersQueueOrder() {
        // The dispatcher serves the higher effective priority first: so must the waiting weight rank them.
        PlanConversation vip = conversation("vip").priority(90).waited(0).build(); // 90
        PlanConversation longWait = conversation("long").priority(40).waited(15 * 60).build(); // 55
        PlanConversation aged = conversation("aged").priority(20).waited(80 * 60).build(); // 100: ahead of the VIP
        assertThat(vip.getEffectivePriority()).isEqualTo(90.0);
        assertThat(longWait.getEffectivePriority()).isEqualTo(55.0);
        assertThat(vip.waitingWeight()).isGreaterThan(longWait.waitingWeight());
        assertThat(aged.waitingWeight()).isGreaterThan(vip.waitingWeight());
        // One VIP outweighs every one of a hundred conversations at 20 left waiting instead.
        assertThat(vip.waitingWeight()).isGreaterThan(100 * conversation("p20").priority(20).build().waitingWeight());
        // A backlog's weight fits a long even at absurd effective priorities.
        assertThat(conversation("huge").priority(1_000_000).build().waitingWeight()).isLessThan(Long.MAX_VALUE / 100_000);
    }

    @Test
    void conversationsLeftWaiting_aPlacedConversationIsNotPenalized() {
        verifier.verifyThat(RebalanceConstraints::conversationsLeftWaiting)
                .given(conversation("placed").priority(90).waited(600).on(agent("a"))).penalizesBy(0);
    }

    // ---------------------------------------------------------------- soft

    @Test
    void skillMatch_rewardsEveryLevelAboveTheMinimumAcrossTheRequiredSkills() {
        // refund 5 for 3 (+2), shipping 4 for 2 (+2); a missing level does not count against it here.
        PlanConversation c = conversation("c1").skill("refund", 3).skill("shipping", 2).skill("general", 2)
                .on(agent("a").skill("refund", 5).skill("shipping", 4).skill("general", 1));

        verifier.verifyThat(RebalanceConstraints::skillMatch).given(c).rewardsWith(4);
    }

    @Test
    void skillMatch_anAgentExactlyAtTheMinimumOrAWaitingConversationEarnsNothing() {
        verifier.verifyThat(RebalanceConstraints::skillMatch).given(
                conversation("exact").skill("refund", 3).on(agent("a").skill("refund", 3)),
                conversation("no-skills").noSkills().on(agent("b").skill("refund", 5)),
                conversation("waiting").skill("refund", 1).waiting()).rewardsWith(0);
    }

    @Test
    void balancedLoad_penalizesTheSquareOfEachAgentsLoad() {
        PlanAgent a = agent("a").build();
        PlanAgent b = agent("b").build();
        // a holds 3: 9; b holds 1: 1.
        verifier.verifyThat(RebalanceConstraints::balancedLoad).given(
                conversation("a1").on(a), conversation("a2").on(a), conversation("a3").on(a),
                conversation("b1").on(b)).penalizesBy(10);
    }

    @Test
    void balancedLoad_countsAcceptedWorkTheAgentAlreadyHolds() {
        // 2 accepted (pinned) + 1 planned: (2 + 1)^2 - 2^2 = 5, the cost the plan adds to the
        // agent's squared load. Counting from the pinned baseline keeps agents that are given
        // no movable work comparable (their squared pinned load is a constant of the plan).
        PlanAgent busy = agent("busy").pinned(2).build();
        PlanAgent idle = agent("idle").build();

        verifier.verifyThat(RebalanceConstraints::balancedLoad).given(conversation("c1").on(busy))
                .penalizesBy(5);
        verifier.verifyThat(RebalanceConstraints::balancedLoad).given(conversation("c1").on(idle))
                .penalizesBy(1);
    }

    @Test
    void balancedLoad_conversationsLeftWaitingAddNoLoad() {
        verifier.verifyThat(RebalanceConstraints::balancedLoad).given(conversation("w1").waiting(),
                conversation("w2").waiting()).penalizesBy(0);
    }

    @Test
    void preferredAgent_rewardsAConversationGivenToItsPreferredAgent() {
        verifier.verifyThat(RebalanceConstraints::preferredAgent)
                .given(conversation("c1").preferred("a").on(agent("a"))).rewardsWith(1);
    }

    @Test
    void preferredAgent_anyOtherAgentOrNoPreferenceEarnsNothing() {
        verifier.verifyThat(RebalanceConstraints::preferredAgent).given(
                conversation("other").preferred("a").on(agent("b")),
                conversation("none").preferred(null).on(agent("c")),
                conversation("waiting").preferred("a").waiting()).rewardsWith(0);
    }

    @Test
    void performance_rewardsTheAgentsScoreOnTheIntentOnAScaleOfTwenty() {
        // 0.8 x 20 = 16 on refund; an intent the agent has no record of counts as 0.5: 10.
        PlanAgent a = agent("a").performance("refund", 0.8).build();

        verifier.verifyThat(RebalanceConstraints::performance).given(
                conversation("refund").intent("refund").on(a),
                conversation("shipping").intent("shipping").on(a)).rewardsWith(26);
    }

    @Test
    void performance_noIntentUsesTheAgentsGeneralRecord() {
        PlanAgent a = agent("a").performance("", 0.3).build();

        verifier.verifyThat(RebalanceConstraints::performance).given(conversation("c1").intent(null).on(a))
                .rewardsWith(6);
    }

    @Test
    void performance_aPoorRecordOrAWaitingConversationEarnsNothing() {
        verifier.verifyThat(RebalanceConstraints::performance).given(
                conversation("poor").intent("refund").on(agent("a").performance("refund", 0.02)),
                conversation("waiting").intent("refund").waiting()).rewardsWith(0);
    }

    @Test
    void stability_penalizesAnOfferMovedToAnotherAgentOrBackToTheQueue() {
        PlanAgent a = agent("a").build();
        PlanAgent b = agent("b").build();

        verifier.verifyThat(RebalanceConstraints::stability).given(
                conversation("moved").offeredTo("a").on(b),
                conversation("unoffered").offeredTo("a").waiting(),
                conversation("kept").offeredTo("a").on(a)).penalizesBy(2);
    }

    @Test
    void stability_placingAWaitingConversationOrKeepingAnOfferCostsNothing() {
        verifier.verifyThat(RebalanceConstraints::stability).given(
                conversation("placed").offeredTo(null).on(agent("a")),
                conversation("still-waiting").offeredTo(null).waiting(),
                conversation("kept").offeredTo("b").on(agent("b"))).penalizesBy(0);
    }

    // ---------------------------------------------------------------- levels and weights, all at once

    @Test
    void weights_eachConstraintScoresOnItsLevelWithItsWeight() {
        PlanAgent a = agent("a").skill("refund", 2).performance("refund", 0.5).build();
        // On a: refund 2 for 4 (2 hard), and a moved offer (15 soft), load 1 (1 soft),
        // performance 10 soft. Waiting: priority 50, 2 minutes at 1 point a minute: 16 x 2^5.2 = 588 medium.
        PlanConversation short2 = conversation("short").skill("refund", 4).offeredTo("b").on(a);
        PlanConversation waiting = conversation("waiting").priority(50).waited(120).waiting();

        verifier.verifyThat().given(short2, waiting).scores(HardMediumSoftLongScore.of(-2, -588, -15 - 1 + 10));
    }

    @Test
    void weights_skillSurplusIsWorthTenAndThePreferredAgentThirty() {
        PlanAgent a = agent("a").skill("refund", 5).performance("refund", 0.0).build();
        PlanConversation c = conversation("c1").skill("refund", 3).preferred("a").on(a);

        // 2 levels above x 10 + preferred 30 - load 1 + performance 0
        verifier.verifyThat().given(c).scores(HardMediumSoftLongScore.ofSoft(20 + 30 - 1));
    }

    // ---------------------------------------------------------------- what the weights make the solver do

    @Test
    void theSolverBalancesAgainstAcceptedWorkOfAnAgentGivenNoMovableWork() {
        // busy already holds 2 accepted conversations; idle holds none. Four conversations wait.
        // Squared total loads: 4 to idle -> 2^2 + 4^2 = 20; 1 to busy -> 3^2 + 3^2 = 18 (best).
        PlanAgent busy = agent("busy").pinned(2).free("web", 5).build();
        PlanAgent idle = agent("idle").free("web", 5).build();
        List<PlanConversation> waiting = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            waiting.add(conversation("w" + i).waiting());
        }

        Rebalancer.Result r = new Rebalancer(Duration.ofSeconds(30), 50)
                .solve(new RebalancePlan(List.of(busy, idle), waiting));

        Map<String, Integer> load = new HashMap<>();
        r.best().getConversations().forEach(c -> load.merge(c.getAgent().id(), 1, Integer::sum));
        assertThat(load).containsEntry("busy", 1).containsEntry("idle", 3);
    }

    // ---------------------------------------------------------------- candidate agents (the entity value range)

    @Test
    void eachConversationIsOfferedOnlyTheAgentsItIsEligibleFor() {
        PlanConversation c = conversation("c1").skill("refund", 3).language("zh").team("vip-desk").servedBy("after-sales")
                .declinedBy("declined").channel("email").units(500).build();
        List<PlanAgent> agents = List.of(
                agent("ok").teams("vip-desk").queues("after-sales").free("email", 1).freeUnits(500).build(),
                agent("also-ok").skill("refund", 5).languages("zh-CN").teams("vip-desk", "senior").free("email", 3).build(),
                agent("away").unavailable().teams("vip-desk").free("email", 1).build(),
                agent("declined").teams("vip-desk").free("email", 1).build(),
                agent("other-team").teams("senior").free("email", 1).build(),
                agent("other-queue").teams("vip-desk").queues("sales").free("email", 1).build(),
                agent("english").languages("en").teams("vip-desk").free("email", 1).build(),
                agent("junior").skill("refund", 2).teams("vip-desk").free("email", 1).build(),
                agent("no-email").teams("vip-desk").free("web", 5).build(),
                agent("email-full").teams("vip-desk").free("email", 0).free("web", 2).build(),
                agent("no-units").teams("vip-desk").free("email", 1).freeUnits(499).build());

        new RebalancePlan(agents, List.of(c));

        assertThat(c.getEligibleAgents()).extracting(PlanAgent::id).containsExactly("ok", "also-ok");
    }

    @Test
    void whileTheStickyWindowIsOpenTheOnlyCandidateIsTheStickyAgent() {
        PlanConversation c = conversation("c1").only("li").build();

        new RebalancePlan(List.of(agent("wang").build(), agent("li").build()), List.of(c));

        assertThat(c.getEligibleAgents()).extracting(PlanAgent::id).containsExactly("li");
    }

    @Test
    void theSolverOnlyPlacesConversationsWithAgentsTheyAreEligibleFor() {
        // 40 agents, one of whom speaks en: the en conversation goes to her or waits, never elsewhere,
        // even though every other agent is idle and a better skill match.
        List<PlanAgent> agents = new ArrayList<>();
        for (int i = 0; i < 39; i++) {
            agents.add(agent("zh-" + i).skill("refund", 5).build());
        }
        agents.add(agent("en").languages("en").free("web", 1).build());
        PlanConversation first = conversation("first").language("en").priority(90).waiting();
        PlanConversation second = conversation("second").language("en").priority(20).waiting();

        Rebalancer.Result r = new Rebalancer(Duration.ofSeconds(30), 50)
                .solve(new RebalancePlan(agents, List.of(second, first)));

        assertThat(first.getEligibleAgents()).extracting(PlanAgent::id).containsExactly("en");
        assertThat(r.score().hardScore()).isZero();
        Map<String, String> placed = new HashMap<>();
        r.best().getConversations().forEach(c -> placed.put(c.getId(), c.getAgent() == null ? null : c.getAgent().id()));
        assertThat(placed).containsEntry("first", "en").containsEntry("second", null);
    }

    @Test
    void constructionRunsOnlyWhenAWaitingConversationHasAnEligibleAgentWithRoom() {
        PlanAgent full = agent("full").free("web", 1).build();
        PlanAgent other = agent("other").languages("en").free("web", 1).build();
        PlanConversation holding = conversation("holding").offeredTo("full").on(full);
        PlanConversation waiting = conversation("waiting").waiting(); // zh: only "full" is eligible

        assertThat(Rebalancer.roomForTheWaiting(new RebalancePlan(List.of(full, other), List.of(holding, waiting))))
                .as("its only agent is full, as the dispatcher leaves a peak").isFalse();
        PlanConversation english = conversation("english").language("en").waiting();
        assertThat(Rebalancer.roomForTheWaiting(new RebalancePlan(List.of(full, other), List.of(holding, english))))
                .as("an agent with room").isTrue();
    }

    // ---------------------------------------------------------------- waiting weight against the dispatcher's order

    @Test
    void givenOnePlaceTheSolverServesTheConversationTheDispatchersQueueServesFirst() {
        // A VIP who just arrived (90) and a priority-40 conversation waiting 15 minutes (40 + 15 = 55):
        // the queue serves the VIP; and a priority-20 one waiting 80 minutes (100) before both.
        assertThat(onePlaceGoesTo(conversation("vip").priority(90).waited(0),
                conversation("long-wait").priority(40).waited(15 * 60))).isEqualTo("vip");
        assertThat(onePlaceGoesTo(conversation("vip").priority(90).waited(0),
                conversation("aged").priority(20).waited(80 * 60))).isEqualTo("aged");
        // Even against an offer already out (moving it costs stability) and a better skill match.
        PlanAgent desk = agent("desk").skill("refund", 5).free("web", 1).build();
        PlanConversation offered = conversation("offered").priority(40).waited(15 * 60).offeredTo("desk").on(desk);
        PlanConversation vip = conversation("vip").priority(90).skill("refund", 5).waiting();
        Rebalancer.Result r = new Rebalancer(Duration.ofSeconds(30), 50).solve(new RebalancePlan(List.of(desk),
                List.of(offered, vip)));
        assertThat(r.moves()).containsExactlyInAnyOrder(new Rebalancer.Move("offered", "desk", null),
                new Rebalancer.Move("vip", null, "desk"));
    }

    @Test
    void theSolverGivesUpAHigherPriorityOnlyForManyLowerOnesThatTheSamePlaceHolds() {
        // One agent with two email places and one chat unit: a chat at 60, or two emails at 55 (half a
        // unit each). 16 x 2^6 = 1,024 against 2 x 16 x 2^5.5 = 1,448: two emails, whose gap is under 10
        // points. At 45 (2 x 16 x 2^4.5 = 724) the chat wins.
        assertThat(chatOrTwoEmails(55)).containsExactlyInAnyOrder("email-1", "email-2");
        assertThat(chatOrTwoEmails(45)).containsExactly("chat");
    }

    private static String onePlaceGoesTo(ConversationBuilder a, ConversationBuilder b) {
        PlanAgent desk = agent("desk").free("web", 1).build();
        Rebalancer.Result r = new Rebalancer(Duration.ofSeconds(30), 50)
                .solve(new RebalancePlan(List.of(desk), List.of(a.waiting(), b.waiting())));
        return r.best().getConversations().stream().filter(c -> c.getAgent() != null).map(PlanConversation::getId)
                .findFirst().orElse(null);
    }

    private static List<String> chatOrTwoEmails(int emailPriority) {
        PlanAgent desk = agent("desk").free("web", 1).free("email", 2).freeUnits(1000).build();
        PlanConversation chat = conversation("chat").channel("web").units(1000).priority(60).aging(0).waiting();
        PlanConversation e1 = conversation("email-1").channel("email").units(500).priority(emailPriority).aging(0).waiting();
        PlanConversation e2 = conversation("email-2").channel("email").units(500).priority(emailPriority).aging(0).waiting();
        Rebalancer.Result r = new Rebalancer(Duration.ofSeconds(30), 50)
                .solve(new RebalancePlan(List.of(desk), List.of(chat, e1, e2)));
        assertThat(r.score().hardScore()).isZero();
        return r.best().getConversations().stream().filter(c -> c.getAgent() != null).map(PlanConversation::getId).toList();
    }

    // ================================================================ builders

    /** An agent: available, refund 3, speaks zh, no team, serves every queue, 5 places on web, 10 units free. */
    static AgentBuilder agent(String id) {
        return new AgentBuilder(id);
    }

    static final class AgentBuilder {
        private final String id;
        private boolean available = true;
        private final Map<String, Integer> skills = new LinkedHashMap<>(Map.of("refund", 3));
        private Set<String> languages = Set.of("zh");
        private Set<String> teams = Set.of();
        private Set<String> queues = Set.of();
        private final Map<String, Integer> free = new LinkedHashMap<>();
        private int freeUnits = 10_000;
        private int pinned;
        private final Map<String, Double> performance = new HashMap<>();

        AgentBuilder(String id) {
            this.id = id;
        }

        AgentBuilder unavailable() { available = false; return this; }
        AgentBuilder noSkills() { skills.clear(); return this; }
        AgentBuilder skill(String s, int level) { skills.put(s, level); return this; }
        AgentBuilder languages(String... l) { languages = new LinkedHashSet<>(List.of(l)); return this; }
        AgentBuilder teams(String... t) { teams = new LinkedHashSet<>(List.of(t)); return this; }
        AgentBuilder queues(String... q) { queues = new LinkedHashSet<>(List.of(q)); return this; }
        AgentBuilder free(String channel, int places) { free.put(channel, places); return this; }
        AgentBuilder freeUnits(int units) { freeUnits = units; return this; }
        AgentBuilder pinned(int n) { pinned = n; return this; }
        AgentBuilder performance(String intent, double score) { performance.put(intent, score); return this; }

        PlanAgent build() {
            return new PlanAgent(id, available, skills, languages, teams, queues,
                    free.isEmpty() ? Map.of("web", 5) : free, freeUnits, pinned, performance);
        }
    }

    /**
     * A conversation: web, 1 unit (1,000 milli-units), needs refund 3, zh, no team, queue after-sales,
     * no one declined, no sticky agent, no preferred agent, priority 50, waited 0 s, queue aging 1 point a
     * minute, intent refund, not offered.
     */
    static ConversationBuilder conversation(String id) {
        return new ConversationBuilder(id);
    }

    static final class ConversationBuilder {
        private final String id;
        private String channel = "web";
        private int units = 1000;
        private final Map<String, Integer> skills = new LinkedHashMap<>(Map.of("refund", 3));
        private String language = "zh";
        private String team;
        private Set<String> servedBy = Set.of("after-sales");
        private Set<String> declinedBy = Set.of();
        private String only;
        private String preferred;
        private int priority = 50;
        private long waited;
        private double agingPerMinute = 1.0;
        private String intent = "refund";
        private String offeredTo;

        ConversationBuilder(String id) {
            this.id = id;
        }

        ConversationBuilder channel(String c) { channel = c; return this; }
        ConversationBuilder units(int u) { units = u; return this; }
        ConversationBuilder noSkills() { skills.clear(); return this; }
        ConversationBuilder skill(String s, int level) { skills.put(s, level); return this; }
        ConversationBuilder language(String l) { language = l; return this; }
        ConversationBuilder team(String t) { team = t; return this; }
        ConversationBuilder servedBy(String... q) { servedBy = new LinkedHashSet<>(List.of(q)); return this; }
        ConversationBuilder declinedBy(String... a) { declinedBy = new LinkedHashSet<>(List.of(a)); return this; }
        ConversationBuilder only(String a) { only = a; return this; }
        ConversationBuilder preferred(String a) { preferred = a; return this; }
        ConversationBuilder aging(double pointsPerMinute) { agingPerMinute = pointsPerMinute; return this; }
        ConversationBuilder priority(int p) { priority = p; return this; }
        ConversationBuilder waited(long seconds) { waited = seconds; return this; }
        ConversationBuilder intent(String i) { intent = i; return this; }
        ConversationBuilder offeredTo(String a) { offeredTo = a; return this; }

        PlanConversation build() {
            // Effective priority as the dispatcher's queue computes it: priority + aging x minutes waited.
            return new PlanConversation(id, channel, units, skills, language, team, servedBy, declinedBy, only, preferred,
                    priority, priority + agingPerMinute * waited / 60.0, waited, intent, offeredTo);
        }

        PlanConversation on(AgentBuilder a) {
            return on(a.build());
        }

        PlanConversation on(PlanAgent a) {
            PlanConversation c = build();
            c.setAgent(a);
            return c;
        }

        PlanConversation waiting() {
            return build();
        }
    }
}
