package io.convrouter.audit;

import java.util.LinkedHashMap;
import java.util.Map;

import io.convrouter.conversation.ConversationRecord;

/** The inputs of a decision as an auditor reads them: the facts the rules saw. */
public final class DecisionInputs {
    private DecisionInputs() {}

    public static Map<String, Object> of(ConversationRecord c) {
        Map<String, Object> conversation = new LinkedHashMap<>();
        conversation.put("channel", c.channel());
        conversation.put("externalId", c.externalId());
        conversation.put("text", c.text());
        conversation.put("language", c.language());
        conversation.put("fields", c.fields());
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("conversation", conversation);
        if (c.customer() != null) {
            Map<String, Object> customer = new LinkedHashMap<>();
            customer.put("id", c.customer().id());
            customer.put("tier", c.customer().tier());
            customer.put("returning", c.customer().returning());
            customer.put("lastAgentId", c.customer().lastAgentId());
            customer.put("orderCount", c.customer().orderCount());
            customer.put("tags", c.customer().tags().stream().sorted().toList());
            input.put("customer", customer);
        }
        if (c.entry() != null) {
            Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("campaign", c.entry().campaign());
            entry.put("landingPage", c.entry().landingPage());
            entry.put("businessLine", c.entry().businessLine());
            input.put("entry", entry);
        }
        return input;
    }
}
