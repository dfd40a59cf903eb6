package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.kinds;
import static io.convrouter.dispatch.DispatchHarness.note;
import static io.convrouter.dispatch.DispatchHarness.only;
import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.DispatchHarness.reasons;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

import io.convrouter.conversation.ConversationStatus;

/**
 * The relaxation ladder: each step takes effect when the conversation has waited its afterSeconds
 * (on tick), is reported as a RELAXED note, and lets in an agent who could not take it before.
 */
class RelaxationLadderTest {

    @Test
    void loweringASkillLevelLetsInALessSkilledAgent() {
        DispatchHarness h = new DispatchHarness(queue("q").lower(30, "refund", 2));
        h.agent("junior").skills("refund", 2).online();
        DispatchResult r = h.submit("c-1", plan().skill("refund", 3));
        assertThat(r.agentId()).isNull();
        assertThat(reasons(r.candidates(), "junior")).containsExactly("skill refund at level 2, needs 3");
        assertThat(h.dispatcher.nextTimer()).isEqualTo(DispatchHarness.T0.plusSeconds(30));

        assertThat(h.tickAt(29).isEmpty()).isTrue();
        Dispatched d = h.tickAt(30);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RELAXED);
        DispatchNote relaxed = note(d, DispatchNote.Kind.RELAXED);
        assertThat(relaxed.reason()).isEqualTo("lowered refund to level 2 after 30 s");
        assertThat(relaxed.conversation().id()).isEqualTo("c-1");
        assertThat(relaxed.agentId()).isNull();
        assertThat(only(d).agentId()).isEqualTo("junior");
        assertThat(h.record("c-1").agentId()).isEqualTo("junior");
    }

    @Test
    void loweringNeverRaisesARequirementAlreadyBelowTheStep() {
        DispatchHarness h = new DispatchHarness(queue("q").lower(30, "refund", 3));
        h.agent("a").skills("general", 1).online();
        h.submit("c-1", plan().skill("refund", 1));

        Dispatched d = h.tickAt(30);

        assertThat(d.notes()).isEmpty();
        assertThat(reasons(h.explain("c-1"), "a")).containsExactly("lacks skill refund (needs level 1)");
    }

    @Test
    void droppingASkillLetsInAnAgentWithoutIt() {
        DispatchHarness h = new DispatchHarness(queue("q").drop(60, "vip"));
        h.agent("no-vip").skills("refund", 3).online();
        DispatchResult r = h.submit("c-1", plan().skill("refund", 3).skill("vip", 1));
        assertThat(reasons(r.candidates(), "no-vip")).containsExactly("lacks skill vip (needs level 1)");

        assertThat(h.tickAt(59).isEmpty()).isTrue();
        Dispatched d = h.tickAt(60);

        assertThat(note(d, DispatchNote.Kind.RELAXED).reason()).isEqualTo("dropped skill vip after 60 s");
        assertThat(only(d).agentId()).isEqualTo("no-vip");
    }

    @Test
    void droppingTheTeamLetsInAnAgentOfAnotherTeam() {
        DispatchHarness h = new DispatchHarness(queue("q").dropTeam(90));
        h.agent("other-team").teams("general-desk").online();
        DispatchResult r = h.submit("c-1", plan().team("vip-desk"));
        assertThat(reasons(r.candidates(), "other-team")).containsExactly("not in team vip-desk");

        assertThat(h.tickAt(89).isEmpty()).isTrue();
        Dispatched d = h.tickAt(90);

        assertThat(note(d, DispatchNote.Kind.RELAXED).reason()).isEqualTo("dropped team vip-desk after 90 s");
        assertThat(only(d).agentId()).isEqualTo("other-team");
    }

    @Test
    void anyAgentOfTheQueueDropsSkillsAndTeamButNotTheQueueOrLanguage() {
        DispatchHarness h = new DispatchHarness(queue("q").anyAgent(120));
        h.agent("generalist").skills().queues("q").online();
        h.agent("other-queue").skills().queues("elsewhere").online();
        h.agent("english-only").skills().languages("en").online();
        DispatchResult r = h.submit("c-1", plan().skill("refund", 3).team("vip-desk"));
        assertThat(reasons(r.candidates(), "generalist"))
                .containsExactly("lacks skill refund (needs level 3)", "not in team vip-desk");

        assertThat(h.tickAt(119).isEmpty()).isTrue();
        Dispatched d = h.tickAt(120);

        assertThat(note(d, DispatchNote.Kind.RELAXED).reason()).isEqualTo("any agent of the queue after 120 s");
        Assignment a = only(d);
        assertThat(a.agentId()).isEqualTo("generalist");
        assertThat(reasons(a.candidates(), "other-queue")).containsExactly("does not serve queue q");
        assertThat(reasons(a.candidates(), "english-only")).containsExactly("does not speak zh");
    }

    @Test
    void theLadderIsClimbedStepByStepWithANoteForEachStep() {
        DispatchHarness h = new DispatchHarness(queue("q")
                .lower(30, "refund", 2).drop(60, "vip").dropTeam(90).anyAgent(120));
        h.submit("c-1", plan().skill("refund", 3).skill("vip", 1).skill("shipping", 2).team("vip-desk"));

        assertThat(note(h.tickAt(30), DispatchNote.Kind.RELAXED).reason())
                .isEqualTo("lowered refund to level 2 after 30 s");
        assertThat(note(h.tickAt(60), DispatchNote.Kind.RELAXED).reason()).isEqualTo("dropped skill vip after 60 s");
        assertThat(note(h.tickAt(90), DispatchNote.Kind.RELAXED).reason()).isEqualTo("dropped team vip-desk after 90 s");
        assertThat(note(h.tickAt(120), DispatchNote.Kind.RELAXED).reason())
                .isEqualTo("any agent of the queue after 120 s");
        assertThat(h.tickAt(600).isEmpty()).isTrue();
        assertThat(h.dispatcher.nextTimer()).isNull();

        // Nobody was online throughout: the first agent after the last step takes it, skills or not.
        assertThat(DispatchHarness.ids(h.agent("anyone").skills().online())).containsExactly("c-1");
    }

    @Test
    void aTickLongAfterSeveralStepsAppliesThemAllInOneNote() {
        DispatchHarness h = new DispatchHarness(queue("q").lower(30, "refund", 2).dropTeam(90));
        h.agent("junior-other-team").skills("refund", 2).teams("general-desk").online();
        h.submit("c-1", plan().skill("refund", 3).team("vip-desk"));

        Dispatched d = h.tickAt(100);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RELAXED);
        assertThat(note(d, DispatchNote.Kind.RELAXED).reason())
                .isEqualTo("lowered refund to level 2 after 30 s; dropped team vip-desk after 90 s");
        assertThat(only(d).agentId()).isEqualTo("junior-other-team");
    }

    @Test
    void aStepOnlyLetsInWhomItShouldTheRestStillWait() {
        DispatchHarness h = new DispatchHarness(queue("q").lower(30, "refund", 2));
        h.agent("beginner").skills("refund", 1).online();
        h.submit("c-1", plan().skill("refund", 3));

        Dispatched d = h.tickAt(30);

        assertThat(kinds(d)).containsExactly(DispatchNote.Kind.RELAXED);
        assertThat(d.assignments()).isEmpty();
        assertThat(h.status("c-1")).isEqualTo(ConversationStatus.QUEUED);
        assertThat(reasons(h.explain("c-1"), "beginner")).containsExactly("skill refund at level 1, needs 2");
    }

    @Test
    void aConversationRoutedAgainAfterTheStepsPassedGetsThemAtOnce() {
        // Rejected after its ladder has run: routed again with the relaxed requirements, and its age.
        DispatchHarness h = new DispatchHarness(queue("q").offers(600).lower(30, "refund", 2));
        h.agent("a-senior").skills("refund", 3).online();
        h.agent("b-junior").skills("refund", 2).online();
        h.submit("c-1", plan().skill("refund", 3));
        h.at(45);

        Dispatched d = h.dispatcher.reject("c-1", "a-senior");

        assertThat(only(d).agentId()).isEqualTo("b-junior");
    }
}
