package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.Dispatcher.MAX_CANDIDATES_RECORDED;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.junit.jupiter.api.Test;

import io.convrouter.agents.Presence;
import io.convrouter.audit.Candidate;

/**
 * The candidates a decision record keeps when more agents are weighed than it can hold: eligible
 * agents in the queue's ranking, ranked 1, 2, ...; then excluded agents, fewest reasons first and
 * by id, each with every reason in words; agents who are not online only when presence is all
 * that kept them out; 50 at most.
 */
class DecisionCandidatesTest {

    private static final String CAPACITY = "at capacity on web (1/1)";
    private static final String NO_ZH = "does not speak zh";

    /** One of five kinds by {@code i % 5}, interleaved so that id order and reason count disagree. */
    private static List<String> reasonsOfKind(int i) {
        return switch (i % 5) {
            case 0 -> List.of(CAPACITY);
            case 1 -> List.of("agent is offline");
            case 2 -> List.of(CAPACITY, NO_ZH);
            case 3 -> List.of("agent is offline", NO_ZH); // two lasting reasons: not listed
            default -> List.of(CAPACITY, "lacks skill refund (needs level 3)", NO_ZH);
        };
    }

    private static void registerOfKind(DispatchHarness h, String id, int i) {
        DispatchHarness.AgentBuilder b = h.agent(id).capacity("web", 1);
        switch (i % 5) {
            case 0 -> occupied(h, id, b);
            case 1 -> b.register();
            case 2 -> occupied(h, id, b.languages("en"));
            case 3 -> b.languages("en").register();
            default -> occupied(h, id, b.languages("en").skills("general", 3));
        }
    }

    private static void occupied(DispatchHarness h, String id, DispatchHarness.AgentBuilder b) {
        b.online();
        h.occupy(id, "web", "elsewhere-" + id);
    }

    @Test
    void withNobodyEligibleTheFiftyClosestMissesAreKeptFewestReasonsFirstThenById() {
        DispatchHarness h = new DispatchHarness();
        List<Candidate> expected = new ArrayList<>();
        for (int i = 0; i < 90; i++) {
            String id = String.format("ag-%02d", i);
            registerOfKind(h, id, i);
            if (i % 5 != 3) {
                expected.add(new Candidate(id, false, reasonsOfKind(i), null, null));
            }
        }
        expected.sort(Comparator.comparingInt((Candidate c) -> c.excludedBecause().size())
                .thenComparing(Candidate::agentId));

        DispatchResult r = h.submit("c-1", plan().skill("refund", 3));

        assertThat(r.agentId()).isNull();
        assertThat(r.candidates()).hasSize(MAX_CANDIDATES_RECORDED)
                .containsExactlyElementsOf(expected.subList(0, MAX_CANDIDATES_RECORDED));
        // 36 agents with one reason (kinds 0 and 1), then the first 14 with two, the last being ag-67.
        assertThat(r.candidates().get(0)).isEqualTo(new Candidate("ag-00", false, List.of(CAPACITY), null, null));
        assertThat(r.candidates().get(35).excludedBecause()).hasSize(1);
        assertThat(r.candidates().get(49))
                .isEqualTo(new Candidate("ag-67", false, List.of(CAPACITY, NO_ZH), null, null));
        // A resubmission explains the waiting conversation the same way.
        assertThat(h.explain("c-1")).isEqualTo(r.candidates());
    }

    @Test
    void withMoreThanFiftyEligibleTheFirstFiftyInRankingOrderAreKeptAndTheFirstIsChosen() {
        DispatchHarness h = new DispatchHarness();
        // Most-available: all idle, so longest idle first; agents come online two at a time in a
        // shuffled order, so pairs tie on idle time and break the tie by id.
        List<String> byOnlineTime = new ArrayList<>();
        for (int step = 0; step < 30; step++) {
            int slot = (step * 7) % 30;
            for (String id : List.of(String.format("e-%02d-b", slot), String.format("e-%02d-a", slot))) {
                h.at(step);
                h.agent(id).online();
            }
            byOnlineTime.add(String.format("e-%02d-a", slot));
            byOnlineTime.add(String.format("e-%02d-b", slot));
        }
        for (int i = 0; i < 20; i++) {
            registerOfKind(h, String.format("x-%02d", i), i);
        }
        h.at(100);

        DispatchResult r = h.submit("c-1", plan().skill("refund", 3));

        assertThat(r.agentId()).isEqualTo(byOnlineTime.get(0));
        assertThat(r.candidates()).hasSize(MAX_CANDIDATES_RECORDED).allMatch(Candidate::eligible);
        assertThat(r.candidates()).extracting(Candidate::agentId)
                .containsExactlyElementsOf(byOnlineTime.subList(0, MAX_CANDIDATES_RECORDED));
        assertThat(r.candidates()).extracting(Candidate::rank)
                .containsExactlyElementsOf(java.util.stream.IntStream.rangeClosed(1, 50).boxed().toList());
        assertThat(r.candidates().get(0).score()).containsEntry("idleSeconds", 100L).containsEntry("load", "0/5");
        assertThat(r.candidates().get(49).score()).containsEntry("idleSeconds", 76L);
    }

    @Test
    void eligibleAgentsComeFirstAndTheClosestMissesFillTheRest() {
        DispatchHarness h = new DispatchHarness();
        List<String> eligible = new ArrayList<>();
        for (int i = 0; i < 45; i++) {
            String id = String.format("e-%02d", 44 - i);
            h.at(i);
            h.agent(id).online();
            eligible.add(id);
        }
        for (int i = 0; i < 40; i++) {
            registerOfKind(h, String.format("x-%02d", i), i);
        }
        h.at(100);

        DispatchResult r = h.submit("c-1", plan().skill("refund", 3));

        assertThat(r.agentId()).isEqualTo("e-44");
        assertThat(r.candidates()).hasSize(MAX_CANDIDATES_RECORDED);
        assertThat(r.candidates().subList(0, 45)).extracting(Candidate::agentId).containsExactlyElementsOf(eligible);
        assertThat(r.candidates().subList(45, 50)).containsExactly(
                new Candidate("x-00", false, List.of(CAPACITY), null, null),
                new Candidate("x-01", false, List.of("agent is offline"), null, null),
                new Candidate("x-05", false, List.of(CAPACITY), null, null),
                new Candidate("x-06", false, List.of("agent is offline"), null, null),
                new Candidate("x-10", false, List.of(CAPACITY), null, null));
    }
}
