package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.agents.Presence;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;

/**
 * Wait estimates and live queue figures: a waiting conversation's position and estimated wait
 * (position x average handle time / the concurrent places of the agents who could serve it), per
 * queue snapshots with agents by state, and wait alerts that fire once on crossing and once on
 * clearing.
 */
class WaitEstimateTest {

    /** Two agents with two web places each, all four taken: whatever arrives waits. */
    private static DispatchHarness fourBusyPlaces(QueueSettings q) {
        DispatchHarness h = new DispatchHarness(q);
        for (String id : List.of("a", "b")) {
            h.agent(id).capacity("web", 2).online();
            h.occupy(id, "web", "x-" + id + "-1");
            h.occupy(id, "web", "x-" + id + "-2");
        }
        return h;
    }

    @Test
    void positionAndEstimatedWaitComeFromHandleTimeAndConcurrentPlaces() {
        DispatchHarness h = fourBusyPlaces(queue("q").averageHandle(120));
        h.submit("c-1", plan());
        h.submit("c-2", plan());
        h.submit("c-3", plan());
        h.at(25);

        WaitEstimate first = h.dispatcher.estimate("c-1").orElseThrow();
        WaitEstimate third = h.dispatcher.estimate("c-3").orElseThrow();

        assertThat(first.queue()).isEqualTo("q");
        assertThat(first.position()).isEqualTo(1);
        assertThat(first.estimatedWaitSeconds()).isEqualTo(30L);   // 1 x 120 / 4
        assertThat(first.waitedSeconds()).isEqualTo(25);
        assertThat(third.position()).isEqualTo(3);
        assertThat(third.estimatedWaitSeconds()).isEqualTo(90L);   // 3 x 120 / 4
        assertThat(h.dispatcher.estimateForNew(
                DispatchHarness.conversation("new", "web", plan().build(), h.now()))).isEqualTo(120L); // 4 x 120 / 4
    }

    @Test
    void aConversationNotWaitingHasNoEstimate() {
        DispatchHarness h = new DispatchHarness(queue("q"));
        h.agent("a").online();
        h.submit("c-1", plan());

        assertThat(h.dispatcher.estimate("c-1")).isEmpty();
        assertThat(h.dispatcher.estimate("unknown")).isEmpty();
    }

    @Test
    void withNobodyOnlineWhoCouldServeItTheWaitIsUnknown() {
        DispatchHarness h = new DispatchHarness(queue("q"));
        h.agent("a").in(Presence.AWAY);
        h.agent("en").languages("en").online();
        h.submit("c-1", plan().language("zh"));

        WaitEstimate e = h.dispatcher.estimate("c-1").orElseThrow();

        assertThat(e.position()).isEqualTo(1);
        assertThat(e.estimatedWaitSeconds()).isNull();
    }

    @Test
    void agentsWhoDoNotServeTheQueueDoNotShortenItsEstimate() {
        DispatchHarness h = fourBusyPlaces(queue("q").averageHandle(120));
        // Ten places in another queue: they cannot take q's conversations, so q's estimate stays.
        h.agent("other").queues("elsewhere").capacity("web", 10).online();
        h.submit("c-1", plan().queue("q"));

        assertThat(h.dispatcher.estimate("c-1").orElseThrow().estimatedWaitSeconds()).isEqualTo(30L);
    }

    @Test
    void weightedUnitsLimitTheConcurrentPlacesInTheEstimate() {
        // Ten web places, but 5000 units at 1000 a chat: five chats at once, not ten.
        DispatchHarness h = new DispatchHarness(queue("q").averageHandle(100));
        h.agent("a").capacity("web", 10).maxUnits(5000).online();
        for (int i = 1; i <= 6; i++) {
            h.submit("c-" + i, plan());
        }

        WaitEstimate sixth = h.dispatcher.estimate("c-6").orElseThrow();

        assertThat(sixth.position()).isEqualTo(1);
        assertThat(sixth.estimatedWaitSeconds()).isEqualTo(20L); // 1 x 100 / 5
    }

    @Test
    void theAverageHandleTimeFollowsClosedConversationsSmoothly() {
        DispatchHarness h = new DispatchHarness(queue("q").averageHandle(180));
        h.agent("a").capacity("web", 1).online();
        h.submit("c-1", plan());
        h.at(20);
        h.close("c-1"); // handled in 20 s

        double average = h.dispatcher.queueSnapshots(Map.of("q", 0.8)).get(0).averageHandleSeconds();

        // One short conversation moves the assumed 180 s by its weight (0.1), not all the way to 20 s.
        assertThat(average).isCloseTo(0.9 * 180 + 0.1 * 20, within(1e-9));
    }

    @Test
    void queueSnapshotCountsAgentsByStateIncludingWrapUp() {
        DispatchHarness h = new DispatchHarness(queue("q").wrapUp(60));
        h.agent("online").online();
        h.agent("away").in(Presence.AWAY);
        h.agent("busy").in(Presence.BUSY);
        h.agent("offline").in(Presence.OFFLINE);
        h.agent("wrapping").capacity("web", 1).online();
        h.agent("not-in-q").queues("elsewhere").online();
        h.submit("c-1", plan().preferred("wrapping"));
        assertThat(h.record("c-1").agentId()).isEqualTo("wrapping");
        h.at(10);
        h.close("c-1");

        QueueSnapshot s = h.dispatcher.queueSnapshots(Map.of("q", 0.8)).get(0);

        assertThat(s.queue()).isEqualTo("q");
        assertThat(s.agents()).containsExactlyInAnyOrderEntriesOf(
                Map.of("online", 1, "away", 1, "busy", 1, "offline", 1, "wrap-up", 1));
        h.at(70);
        assertThat(h.dispatcher.queueSnapshots(Map.of("q", 0.8)).get(0).agents())
                .containsEntry("online", 2).containsEntry("wrap-up", 0);
    }

    @Test
    void queueSnapshotShowsWaitingLongestWaitServiceLevelAndCounts() {
        DispatchHarness h = fourBusyPlaces(queue("q").averageHandle(120));
        h.submit("c-1", plan().sla(60));
        h.at(30);
        h.submit("c-2", plan().sla(60));
        h.at(50);
        h.submit("c-3", plan().sla(60));
        h.at(100);
        h.free("a", "x-a-1");                    // c-1 answered after 100 s: over its 60 s SLA
        h.free("b", "x-b-1");                    // c-2 answered after 70 s: over too
        ConversationRecord gone = h.record("c-3");
        h.conversations.markEnded("c-3", ConversationStatus.QUEUED, ConversationStatus.ABANDONED, h.now(), null, null);
        h.dispatcher.withdraw("c-3");
        h.dispatcher.abandoned(gone);
        h.at(110);
        h.submit("c-4", plan().sla(60));
        h.at(130);

        QueueSnapshot s = h.dispatcher.queueSnapshots(Map.of("q", 0.8)).get(0);

        assertThat(s.waiting()).isEqualTo(1);
        assertThat(s.longestWaitSeconds()).isEqualTo(20);
        assertThat(s.estimatedWaitSeconds()).isEqualTo(60L);    // 2 x 120 / 4
        assertThat(s.answeredLast15Minutes()).isEqualTo(2);
        assertThat(s.abandonedLast15Minutes()).isEqualTo(1);
        assertThat(s.serviceLevel()).isZero();
        assertThat(s.serviceLevelTarget()).isEqualTo(0.8);
        assertThat(s.waitAlert()).isFalse();
    }

    @Test
    void aWaitAlertFiresOnceWhenCrossingAndOnceWhenClearing() {
        DispatchHarness h = new DispatchHarness(queue("q").averageHandle(60).waitAlert(150));
        h.agent("solo").capacity("web", 1).online();
        h.occupy("solo", "web", "x-1");
        Map<String, Double> targets = Map.of("q", 0.8);
        h.submit("c-1", plan());
        assertThat(h.dispatcher.waitAlerts(targets)).isEmpty();           // a new one would wait 120 s

        h.submit("c-2", plan());                                          // now 180 s
        assertThat(h.dispatcher.waitAlerts(targets)).containsExactly(Map.entry("q", true));
        assertThat(h.dispatcher.waitAlerts(targets)).isEmpty();
        h.submit("c-3", plan());
        assertThat(h.dispatcher.waitAlerts(targets)).isEmpty();           // still over: no new alert
        assertThat(h.dispatcher.queueSnapshots(targets).get(0).waitAlert()).isTrue();

        h.dispatcher.withdraw("c-3");
        h.dispatcher.withdraw("c-2");                                     // back to 120 s
        assertThat(h.dispatcher.waitAlerts(targets)).containsExactly(Map.entry("q", false));
        assertThat(h.dispatcher.waitAlerts(targets)).isEmpty();
        assertThat(h.dispatcher.queueSnapshots(targets).get(0).waitAlert()).isFalse();
    }

    @Test
    void aQueueWithNoAlertThresholdNeverAlerts() {
        DispatchHarness h = new DispatchHarness(queue("q").averageHandle(600).waitAlert(0));
        for (int i = 0; i < 5; i++) {
            h.submit("c-" + i, plan());
        }

        assertThat(h.dispatcher.waitAlerts(Map.of("q", 0.8))).isEmpty();
    }
}
