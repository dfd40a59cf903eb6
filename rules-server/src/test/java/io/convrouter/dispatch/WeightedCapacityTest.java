package io.convrouter.dispatch;

import static io.convrouter.dispatch.DispatchHarness.plan;
import static io.convrouter.dispatch.DispatchHarness.reasons;
import static io.convrouter.dispatch.DispatchHarness.candidate;
import static io.convrouter.dispatch.DispatchHarness.ids;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import org.junit.jupiter.api.Test;

import io.convrouter.agents.Agent;
import io.convrouter.conversation.ConversationStatus;

/**
 * Weighted capacity: each channel takes milli-units of an agent's total (chat 1000, email 500,
 * phone 5000 = everything of a 5000-unit agent), checked on top of the per-channel limits; the
 * exclusion reason says how many units are used and needed.
 */
class WeightedCapacityTest {

    private final DispatchHarness h = new DispatchHarness();

    /** Per-channel limits high enough that only the weighted units can bind. */
    private void agent(String id) {
        h.agent(id).capacity("web", 10).capacity("email", 10).capacity("phone", 1).maxUnits(5000).online();
    }

    @Test
    void aChatTakesAThousandUnitsSoFiveFillTheAgent() {
        agent("a");
        for (int i = 1; i <= 5; i++) {
            assertThat(h.submit("chat-" + i, "web", plan()).agentId()).isEqualTo("a");
        }

        DispatchResult sixth = h.submit("chat-6", "web", plan());

        assertThat(sixth.agentId()).isNull();
        assertThat(reasons(sixth.candidates(), "a"))
                .containsExactly("weighted capacity used (5000/5000 units, needs 1000)");
        Agent a = h.stored("a");
        assertThat(a.unitsUsed()).isEqualTo(5000);
        assertThat(a.loadOn("web")).isEqualTo(5);
        assertThat(a.active()).extracting(Agent.ActiveConversation::units).containsOnly(1000);
    }

    @Test
    void anEmailTakesHalfAChatSoTwoFitWhereOneChatWould() {
        agent("a");
        for (int i = 1; i <= 4; i++) {
            h.submit("chat-" + i, "web", plan());
        }

        assertThat(h.submit("email-1", "email", plan()).agentId()).isEqualTo("a");
        assertThat(h.submit("email-2", "email", plan()).agentId()).isEqualTo("a");
        DispatchResult third = h.submit("email-3", "email", plan());

        assertThat(third.agentId()).isNull();
        assertThat(reasons(third.candidates(), "a"))
                .containsExactly("weighted capacity used (5000/5000 units, needs 500)");
        assertThat(h.stored("a").unitsUsed()).isEqualTo(5000);
        assertThat(h.stored("a").active()).filteredOn(x -> x.channel().equals("email"))
                .extracting(Agent.ActiveConversation::units).containsExactly(500, 500);
    }

    @Test
    void aPhoneCallNeedsAnAgentWithNothingElseOnAndTheReasonNamesTheUnits() {
        agent("a-one-chat");
        agent("b-free");
        assertThat(h.submit("chat-1", "web", plan()).agentId()).isEqualTo("a-one-chat");

        DispatchResult call = h.submit("call-1", "phone", plan());

        assertThat(call.agentId()).isEqualTo("b-free");
        assertThat(reasons(call.candidates(), "a-one-chat"))
                .containsExactly("weighted capacity used (1000/5000 units, needs 5000)");
        assertThat(candidate(call.candidates(), "b-free").score()).containsEntry("load", "0/1");
        assertThat(h.stored("b-free").unitsUsed()).isEqualTo(5000);
    }

    @Test
    void anAgentOnAPhoneCallGetsNothingElseUntilItEnds() {
        agent("a");
        assertThat(h.submit("call-1", "phone", plan()).agentId()).isEqualTo("a");

        DispatchResult chat = h.submit("chat-1", "web", plan());
        DispatchResult email = h.submit("email-1", "email", plan());

        assertThat(chat.agentId()).isNull();
        assertThat(email.agentId()).isNull();
        assertThat(reasons(chat.candidates(), "a"))
                .containsExactly("weighted capacity used (5000/5000 units, needs 1000)");
        assertThat(reasons(email.candidates(), "a"))
                .containsExactly("weighted capacity used (5000/5000 units, needs 500)");
        // The most-available ranking sees the agent as full too.
        assertThat(h.stored("a").loadRatio("web")).isEqualTo(1.0);

        List<Assignment> next = h.close("call-1");

        assertThat(ids(next)).containsExactly("chat-1", "email-1");
        assertThat(h.stored("a").unitsUsed()).isEqualTo(1500);
        assertThat(h.status("chat-1")).isEqualTo(ConversationStatus.ASSIGNED);
    }

    @Test
    void aChannelLimitStillBindsBeforeTheUnitsRunOut() {
        h.agent("a").capacity("web", 2).maxUnits(5000).online();
        h.submit("chat-1", "web", plan());
        h.submit("chat-2", "web", plan());

        DispatchResult third = h.submit("chat-3", "web", plan());

        assertThat(reasons(third.candidates(), "a")).containsExactly("at capacity on web (2/2)");
        assertThat(h.stored("a").unitsUsed()).isEqualTo(2000);
    }

    @Test
    void theMostAvailableRankingWeighsUnitsNotJustTheChannelsLoad() {
        agent("a");
        for (int i = 1; i <= 4; i++) {
            h.submit("email-" + i, "email", plan()); // b is not online yet: all four to a (2000 units)
        }
        agent("b");
        assertThat(h.submit("chat-1", "web", plan()).agentId()).isEqualTo("b");

        // a has no chat at all (web 0/10) but 2000/5000 units used; b has one chat: 1/10, 1000 units.
        DispatchResult chat = h.submit("chat-2", "web", plan());

        assertThat(chat.agentId()).isEqualTo("b");
        assertThat(candidate(chat.candidates(), "b").score()).containsEntry("loadRatio", 0.2).containsEntry("load", "1/10");
        assertThat(candidate(chat.candidates(), "a").score()).containsEntry("loadRatio", 0.4).containsEntry("load", "0/10");
        assertThat(candidate(chat.candidates(), "a").rank()).isEqualTo(2);
    }
}
