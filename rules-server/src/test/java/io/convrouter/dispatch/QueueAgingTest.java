package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.ids;
import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.QueueSettings.queue;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/**
 * Queue order is priority then age, with aging: each minute waited adds the queue's
 * {@code agingPerMinute} to a conversation's priority, so low priority cannot starve. Across queues
 * the effective priority now decides.
 */
class QueueAgingTest {

    /** One agent, busy with outside work, so that everything submitted waits. */
    private static DispatchHarness busyAgent(QueueSettings... queues) {
        DispatchHarness h = new DispatchHarness(queues);
        h.agent("solo").capacity("web", 1).online();
        h.occupy("solo", "web", "x-0");
        return h;
    }

    @Test
    void withoutAgingHigherPriorityAlwaysGoesFirst() {
        DispatchHarness h = busyAgent(queue("q").aging(0));
        h.submit("c-low", plan().priority(20));
        h.at(3600);
        h.submit("c-high", plan().priority(50));

        assertThat(h.dispatcher.positionOf("c-high")).isEqualTo(1);
        assertThat(ids(h.free("solo", "x-0"))).containsExactly("c-high");
    }

    @Test
    void anOldLowPriorityConversationGoesBeforeANewerHigherPriorityOne() {
        DispatchHarness h = busyAgent(queue("q").aging(10));
        h.submit("c-low", plan().priority(20));
        h.at(240); // c-low has aged 4 min x 10 = 40 points: 60 against a new 50
        h.submit("c-high", plan().priority(50));

        assertThat(h.dispatcher.positionOf("c-low")).isEqualTo(1);
        assertThat(h.dispatcher.positionOf("c-high")).isEqualTo(2);
        h.at(250);
        assertThat(ids(h.free("solo", "x-0"))).containsExactly("c-low");
        assertThat(h.dispatcher.positionOf("c-high")).isEqualTo(1);
    }

    @Test
    void aLowPriorityConversationThatHasNotWaitedLongEnoughStaysBehind() {
        DispatchHarness h = busyAgent(queue("q").aging(10));
        h.submit("c-low", plan().priority(20));
        h.at(120); // aged to 40 only
        h.submit("c-high", plan().priority(50));

        assertThat(h.dispatcher.positionOf("c-high")).isEqualTo(1);
        // Both age at the same rate: however long they both wait, the order stays.
        h.at(3600);
        assertThat(h.dispatcher.positionOf("c-high")).isEqualTo(1);
        assertThat(ids(h.free("solo", "x-0"))).containsExactly("c-high");
    }

    @Test
    void lowPriorityIsServedDespiteAStreamOfHigherPriorityArrivals() {
        DispatchHarness h = busyAgent(queue("q").aging(6));
        h.submit("c-low", plan().priority(11));
        List<String> served = new ArrayList<>();
        // A new priority-40 conversation every minute; the agent finishes one a minute.
        for (int minute = 1; minute <= 10 && !served.contains("c-low"); minute++) {
            h.at(minute * 60L);
            h.submit("c-high-" + minute, plan().priority(40));
            String holding = h.stored("solo").active().get(0).conversationId();
            served.addAll(ids(holding.startsWith("x-") ? h.free("solo", holding) : h.close(holding)));
        }

        // c-low stands at 11 + 6 x 4 = 35 after 4 minutes, at 41 after 5: above a new 40.
        assertThat(served).containsExactly("c-high-1", "c-high-2", "c-high-3", "c-high-4", "c-low");
        assertThat(h.dispatcher.positionOf("c-high-5")).isEqualTo(1);
    }

    @Test
    void acrossQueuesEachAgesAtItsOwnRateAndTheOrderChangesOverTime() {
        DispatchHarness h = busyAgent(queue("fast").aging(10), queue("slow").aging(0));
        h.submit("c-slow-1", plan().queue("slow").priority(50));
        h.submit("c-slow-2", plan().queue("slow").priority(50));
        h.submit("c-fast", plan().queue("fast").priority(20));

        // After 2 minutes c-fast stands at 40: the slow queue's 50 goes first.
        h.at(120);
        List<Assignment> first = h.free("solo", "x-0");
        assertThat(ids(first)).containsExactly("c-slow-1");

        // After 4 minutes c-fast stands at 60, above the slow queue's 50 however old.
        h.at(240);
        List<Assignment> second = h.close("c-slow-1");
        assertThat(ids(second)).containsExactly("c-fast");
        assertThat(h.dispatcher.positionOf("c-slow-2")).isEqualTo(1);
    }

    @Test
    void acrossQueuesEqualEffectivePriorityGoesToTheOldest() {
        DispatchHarness h = busyAgent(queue("fast").aging(10), queue("slow").aging(0));
        h.at(0);
        h.submit("c-fast", plan().queue("fast").priority(30));  // 30 + 10 x 2 = 50 at T0+120
        h.at(60);
        h.submit("c-slow", plan().queue("slow").priority(50));  // 50, younger

        h.at(120);
        assertThat(ids(h.free("solo", "x-0"))).containsExactly("c-fast");
    }
}
