package io.convrouter.intake;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.convrouter.conversation.ConversationRecord;

/** The JSON body of {@code POST /api/v1/conversations}. */
public record ConversationBody(String channel, String externalId, String text, String language,
                               CustomerBody customer, EntryBody entry, Map<String, String> fields) {

    public record CustomerBody(String id, String tier, Boolean returning, String lastAgentId, Integer orderCount,
                               List<String> tags) {}

    public record EntryBody(String campaign, String landingPage, String businessLine) {}

    IntakeRequest toRequest() {
        ConversationRecord.CustomerInfo c = customer == null ? null : new ConversationRecord.CustomerInfo(
                customer.id(), customer.tier(), Boolean.TRUE.equals(customer.returning()), customer.lastAgentId(),
                customer.orderCount() == null ? 0 : customer.orderCount(),
                customer.tags() == null ? null : new LinkedHashSet<>(customer.tags()));
        ConversationRecord.EntryInfo e = entry == null ? null
                : new ConversationRecord.EntryInfo(entry.campaign(), entry.landingPage(), entry.businessLine());
        return new IntakeRequest(channel, externalId, text, language, c, e, fields);
    }
}
