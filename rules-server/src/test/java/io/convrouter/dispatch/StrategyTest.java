package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.candidate;
import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.convrouter.audit.Candidate;

/**
 * Each queue ranks eligible agents by its strategy, explains the ranking in the candidates' score
 * parts, and breaks every tie the same way (in the end by agent id).
 */
class StrategyTest {

    private static List<String> ranked(DispatchResult r) {
        return r.candidates().stream().filter(Candidate::eligible).map(Candidate::agentId).toList();
    }

    // ------------------------------------------------------------------ most-available

    @Test
    void mostAvailableTakesTheLowestLoadRatio() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("most-available"));
        h.agent("a").capacity("web", 2).online();
        h.agent("b").capacity("web", 4).online();
        h.agent("c").capacity("web", 4).online();
        h.occupy("a", "web", "x-1");          // 1/2 = 0.5
        h.occupy("b", "web", "x-2");          // 1/4 = 0.25
        h.occupy("c", "web", "x-3");
        h.occupy("c", "web", "x-4");          // 2/4 = 0.5

        DispatchResult r = h.submit("c-1", plan());

        assertThat(r.agentId()).isEqualTo("b");
        assertThat(ranked(r)).containsExactly("b", "a", "c"); // a and c tie at 0.5, same idle time: by id
        assertThat(candidate(r.candidates(), "b").score()).containsEntry("strategy", "most-available")
                .containsEntry("loadRatio", 0.25).containsEntry("load", "1/4");
    }

    // ------------------------------------------------------------------ longest-idle

    @Test
    void longestIdleTakesTheAgentFreeTheLongest() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("longest-idle"));
        h.agent("a").online();                 // online at T0
        h.agent("b").online();
        h.agent("c").online();
        h.occupy("a", "web", "x-a");
        h.occupy("b", "web", "x-b");
        h.occupy("c", "web", "x-c");
        h.at(60);
        h.free("b", "x-b");                    // b free since T0+60
        h.at(90);
        h.free("c", "x-c");                    // c free since T0+90
        h.at(100);
        h.free("a", "x-a");                    // a free since T0+100
        h.at(120);

        DispatchResult r = h.submit("c-1", plan());

        assertThat(r.agentId()).isEqualTo("b");
        assertThat(ranked(r)).containsExactly("b", "c", "a");
        assertThat(candidate(r.candidates(), "b").score()).containsEntry("strategy", "longest-idle")
                .containsEntry("idleSeconds", 60L);
        assertThat(candidate(r.candidates(), "a").score()).containsEntry("idleSeconds", 20L);
    }

    @Test
    void longestIdleTiesBreakByLoadThenId() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("longest-idle"));
        h.agent("c").capacity("web", 4).online();
        h.agent("b").capacity("web", 2).online();
        h.agent("a").capacity("web", 2).online();
        h.occupy("a", "web", "x-1"); // still idle since T0 (never freed), but 1/2 loaded
        h.at(30);

        DispatchResult r = h.submit("c-1", plan());

        // All online since T0: b and c tie on idle time and load (0), so by id; a is busier.
        assertThat(ranked(r)).containsExactly("b", "c", "a");
    }

    // ------------------------------------------------------------------ round-robin

    @Test
    void roundRobinGoesToTheLeastRecentlyAssignedInTurn() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("round-robin"));
        h.agent("c").capacity("web", 10).online();
        h.agent("a").capacity("web", 10).online();
        h.agent("b").capacity("web", 10).online();

        List<String> turns = new ArrayList<>();
        for (int i = 1; i <= 7; i++) {
            h.at(i * 10L);
            turns.add(h.submit("c-" + i, plan()).agentId());
        }

        // Never assigned first (by id among equals), then whoever waited longest since the last one,
        // whatever their load.
        assertThat(turns).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void roundRobinIgnoresLoadAndExplainsTheLastAssignment() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("round-robin"));
        h.agent("a").capacity("web", 10).online();
        h.agent("b").capacity("web", 10).online();
        h.at(10);
        h.occupy("b", "web", "x-1");   // b last assigned at T0+10 (by another server)
        h.occupy("b", "web", "x-2");
        h.at(20);
        h.submit("c-1", plan());       // a, never assigned before, takes it: a last assigned at T0+20
        h.at(30);

        DispatchResult r = h.submit("c-2", plan());

        assertThat(r.agentId()).isEqualTo("b"); // more loaded, but served longest ago
        assertThat(candidate(r.candidates(), "b").score()).containsEntry("strategy", "round-robin")
                .containsEntry("lastAssignedAt", DispatchHarness.T0.plusSeconds(10));
        assertThat(candidate(r.candidates(), "a").score())
                .containsEntry("lastAssignedAt", DispatchHarness.T0.plusSeconds(20));
    }

    // ------------------------------------------------------------------ best-skill

    @Test
    void bestSkillTakesTheHighestSumOfRequiredLevels() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("best-skill"));
        h.agent("a-refund-expert").skills("refund", 5, "shipping", 1, "sales", 5).online(); // 6
        h.agent("b-all-round").skills("refund", 3, "shipping", 4).online();                // 7
        h.agent("c-minimum").skills("refund", 2, "shipping", 1).online();                  // 3

        DispatchResult r = h.submit("c-1", plan().skill("refund", 2).skill("shipping", 1));

        assertThat(r.agentId()).isEqualTo("b-all-round");
        assertThat(ranked(r)).containsExactly("b-all-round", "a-refund-expert", "c-minimum");
        assertThat(candidate(r.candidates(), "b-all-round").score()).containsEntry("strategy", "best-skill")
                .containsEntry("skillScore", 7);
        // Skills the conversation does not need do not count.
        assertThat(candidate(r.candidates(), "a-refund-expert").score()).containsEntry("skillScore", 6);
    }

    @Test
    void bestSkillTiesGoToTheLessLoadedThenById() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("best-skill"));
        h.agent("a").skills("refund", 4).capacity("web", 4).online();
        h.agent("b").skills("refund", 4).capacity("web", 4).online();
        h.agent("c").skills("refund", 4).capacity("web", 4).online();
        h.occupy("a", "web", "x-1");

        DispatchResult r = h.submit("c-1", plan().skill("refund", 3));

        assertThat(ranked(r)).containsExactly("b", "c", "a");
    }

    // ------------------------------------------------------------------ performance

    @Test
    void performanceFavoursBetterSmoothedOutcomesOnTheIntent() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("performance"));
        h.agent("a-weak").online();
        h.agent("b-strong").online();
        h.agent("c-new").online();
        h.stats.put("a-weak", "refund", new PerformanceStats.Record(10, 3, 20, 10));
        h.stats.put("b-strong", "refund", new PerformanceStats.Record(10, 9, 50, 10));
        // c-new's only record is on another intent: on refunds it starts from the neutral prior.
        h.stats.put("c-new", "billing", new PerformanceStats.Record(50, 50, 250, 50));

        DispatchResult r = h.submit("c-1", plan().intent("refund"));

        assertThat(r.agentId()).isEqualTo("b-strong");
        assertThat(ranked(r)).containsExactly("b-strong", "c-new", "a-weak");
        // 0.6 x (9+1)/(10+2) + 0.3 x ((50+6)/(10+2))/5 + 0.1 x (1 - 0) = 0.88
        assertThat(candidate(r.candidates(), "b-strong").score()).containsEntry("strategy", "performance")
                .containsEntry("performance", 0.88).containsEntry("resolutionRate", 0.833)
                .containsEntry("satisfaction", 4.667).containsEntry("closedOnIntent", 10L);
        // 0.6 x 0.5 + 0.3 x 3/5 + 0.1 = 0.58
        assertThat(candidate(r.candidates(), "c-new").score()).containsEntry("performance", 0.58)
                .containsEntry("closedOnIntent", 0L);
    }

    @Test
    void oneLuckyConversationDoesNotOutrankALongGoodRecord() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("performance"));
        h.agent("a-lucky").online();
        h.agent("b-steady").online();
        h.stats.put("a-lucky", "refund", new PerformanceStats.Record(1, 1, 5, 1));
        h.stats.put("b-steady", "refund", new PerformanceStats.Record(40, 36, 180, 40));

        assertThat(h.submit("c-1", plan()).agentId()).isEqualTo("b-steady");
    }

    @Test
    void closedConversationsFeedThePerformanceRanking() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("performance"));
        h.agent("a").capacity("web", 1).online();
        h.agent("b").capacity("web", 1).online();
        // Two at a time: equal so far, a first by id, then b.
        for (int round = 0; round < 3; round++) {
            String first = "r" + round + "-1";
            String second = "r" + round + "-2";
            h.submit(first, plan());
            h.submit(second, plan());
            assertThat(h.record(first).agentId()).isIn("a", "b");
            h.at(round * 100L + 50);
            // whatever a served was not resolved and rated 1; whatever b served was resolved and rated 5
            for (String id : List.of(first, second)) {
                boolean byB = "b".equals(h.record(id).agentId());
                h.close(id, byB, byB ? 5 : 1);
            }
        }
        assertThat(h.stats.of("b", "refund").closed()).isEqualTo(3);
        assertThat(h.stats.of("a", "refund").resolved()).isZero();

        DispatchResult r = h.submit("next", plan());

        assertThat(r.agentId()).isEqualTo("b");
        assertThat(ranked(r)).containsExactly("b", "a");
    }

    @Test
    void performanceTiesBreakByAgentId() {
        DispatchHarness h = new DispatchHarness(queue("q").strategy("performance"));
        h.agent("c").online();
        h.agent("a").online();
        h.agent("b").online();
        PerformanceStats.Record same = new PerformanceStats.Record(8, 6, 32, 8);
        for (String id : List.of("a", "b", "c")) {
            h.stats.put(id, "refund", same);
        }

        DispatchResult r = h.submit("c-1", plan());

        assertThat(ranked(r)).containsExactly("a", "b", "c");
        assertThat(r.candidates()).filteredOn(Candidate::eligible).extracting(Candidate::rank)
                .containsExactly(1, 2, 3);
    }

    @Test
    void performanceWeightsComeFromTheQueue() {
        // Weighting satisfaction alone: a resolves more, b pleases more.
        DispatchHarness h = new DispatchHarness(queue("q").strategy("performance")
                .weight("resolution", 0).weight("satisfaction", 1).weight("spareCapacity", 0));
        h.agent("a").online();
        h.agent("b").online();
        h.stats.put("a", "refund", new PerformanceStats.Record(20, 20, 60, 20));
        h.stats.put("b", "refund", new PerformanceStats.Record(20, 5, 100, 20));

        DispatchResult r = h.submit("c-1", plan());

        assertThat(r.agentId()).isEqualTo("b");
    }
}
