package io.convrouter.intake;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * The customer's history through the real server: intake records each conversation, close and
 * abandon record how it ended, and the next conversation of that customer is routed by the
 * default history policies in guards.drl.
 */
class CustomerHistoryApiTest extends ApiTestSupport {

    private static Map<String, Object> from(String customerId, String language, String text) {
        return obj("channel", "web", "externalId", unique("ext"), "text", text, "language", language,
                "customer", obj("id", customerId, "tier", "regular"));
    }

    private static Map<String, Object> agentProfile(String language, int refundLevel) {
        return obj("name", "Agent " + language, "skills", obj("refund", refundLevel, "shipping", 3, "general", 3),
                "languages", List.of(language), "capacity", obj("web", 5));
    }

    private String online(String language, int refundLevel) {
        String id = newAgentId();
        putAgent(id, agentProfile(language, refundLevel));
        setPresence(id, "online");
        return id;
    }

    private static List<String> ruleNames(JsonNode conversation) {
        List<String> names = new java.util.ArrayList<>();
        conversation.get("rulesFired").forEach(r -> names.add(r.get("name").asString()));
        return names;
    }

    @Test
    void anUnresolvedRefundComesBackToTheAgentWhoHadItAheadOfABetterSkilledOne() {
        String lang = newLanguage();
        String customer = unique("cust");
        String first = online(lang, 4);
        JsonNode earlier = create(from(customer, lang, REFUND_TEXT));
        assertThat(earlier.get("agentId").asString()).isEqualTo(first);
        close(earlier.get("id").asString(), "unresolved", 2);
        String better = online(lang, 5); // after-sales routes by best skill: new work goes here

        JsonNode someoneElse = create(from(unique("cust"), lang, REFUND_TEXT));
        JsonNode repeat = create(from(customer, lang, "退款还是没到账，我要退款"));

        assertThat(someoneElse.get("agentId").asString()).isEqualTo(better);
        assertThat(repeat.get("agentId").asString()).as("%s", repeat).isEqualTo(first);
        assertThat(repeat.get("preferredAgentId").asString()).isEqualTo(first);
        assertThat(repeat.get("priority").asInt()).isGreaterThanOrEqualTo(70)
                .isGreaterThan(someoneElse.get("priority").asInt());
        assertThat(ruleNames(repeat)).contains("Unresolved repeat goes back to its agent");
        assertThat(ruleNames(someoneElse)).doesNotContain("Unresolved repeat goes back to its agent");
    }

    @Test
    void aResolvedRefundDoesNotPullTheNextOneBack() {
        String lang = newLanguage();
        String customer = unique("cust");
        String first = online(lang, 4);
        JsonNode earlier = create(from(customer, lang, REFUND_TEXT));
        close(earlier.get("id").asString(), "resolved", 5);
        String better = online(lang, 5);

        JsonNode next = create(from(customer, lang, REFUND_TEXT));

        assertThat(earlier.get("agentId").asString()).isEqualTo(first);
        assertThat(next.get("agentId").asString()).isEqualTo(better);
        assertThat(next.get("preferredAgentId").isNull()).isTrue();
        assertThat(ruleNames(next)).doesNotContain("Unresolved repeat goes back to its agent");
    }

    @Test
    void aCustomerWhoAbandonedIsNotMadeToWaitBehindRoutineWorkWhenTheyComeBack() {
        String lang = newLanguage(); // nobody speaks it: everything waits
        String customer = unique("cust");
        JsonNode gaveUp = create(from(customer, lang, "快递到哪了"));
        assertThat(gaveUp.get("status").asString()).isEqualTo("queued");
        abandon(gaveUp.get("id").asString());
        JsonNode routine = create(from(unique("cust"), lang, "快递到哪了"));

        JsonNode back = create(from(customer, lang, "快递到哪了"));

        assertThat(back.get("priority").asInt()).isGreaterThanOrEqualTo(60)
                .isGreaterThan(routine.get("priority").asInt());
        assertThat(ruleNames(back)).contains("Recently abandoned customers do not wait again");
        assertThat(back.get("queuePosition").asInt()).as("ahead of the routine one that came first")
                .isLessThan(conversation(routine.get("id").asString()).get("queuePosition").asInt());
    }

    @Test
    void aCustomerWhoComplainedThisWeekGoesToSeniorAgents() {
        String lang = newLanguage();
        String customer = unique("cust");
        JsonNode complaint = create(from(customer, lang, "我要投诉你们的客服"));
        abandon(complaint.get("id").asString());

        JsonNode next = create(from(customer, lang, "快递到哪了"));
        JsonNode routine = create(from(unique("cust"), lang, "快递到哪了"));

        assertThat(next.get("team").asString()).isEqualTo("senior");
        assertThat(ruleNames(next)).contains("Recent complaint goes to senior agents");
        assertThat(routine.get("team").isNull()).isTrue();
    }

    @Test
    void conversationsWithoutACustomerIdHaveNoHistory() {
        String lang = newLanguage();
        Map<String, Object> anonymous = obj("channel", "web", "externalId", unique("ext"), "text", "我要投诉",
                "language", lang);
        abandon(create(anonymous).get("id").asString());

        JsonNode next = create(obj("channel", "web", "externalId", unique("ext"), "text", "快递到哪了",
                "language", lang));

        assertThat(ruleNames(next)).doesNotContain("Recent complaint goes to senior agents",
                "Recently abandoned customers do not wait again");
    }
}
