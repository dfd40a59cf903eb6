package io.convrouter.intake;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

import io.convrouter.conversation.ConversationRecord;
import io.convrouter.errors.FieldError;
import io.convrouter.errors.InvalidInputException;

/** The JSON body of {@code POST /api/v1/conversations}. */
public record ConversationBody(String channel, String externalId, String text, String language,
                               CustomerBody customer, EntryBody entry, Map<String, String> fields) {

    public record CustomerBody(String id, String tier, Boolean returning, String lastAgentId, Integer orderCount,
                               List<String> tags) {}

    public record EntryBody(String campaign, String landingPage, String businessLine) {}

    IntakeRequest toRequest() {
        rejectNulls();
        ConversationRecord.CustomerInfo c = customer == null ? null : new ConversationRecord.CustomerInfo(
                customer.id(), customer.tier(), Boolean.TRUE.equals(customer.returning()), customer.lastAgentId(),
                customer.orderCount() == null ? 0 : customer.orderCount(),
                customer.tags() == null ? null : new LinkedHashSet<>(customer.tags()));
        ConversationRecord.EntryInfo e = entry == null ? null
                : new ConversationRecord.EntryInfo(entry.campaign(), entry.landingPage(), entry.businessLine());
        return new IntakeRequest(channel, externalId, text, language, c, e, fields);
    }

    /** JSON nulls inside the tags list or the fields map would fail deep inside; name them instead. */
    private void rejectNulls() {
        List<FieldError> errors = new ArrayList<>();
        if (customer != null && customer.tags() != null && customer.tags().contains(null)) {
            errors.add(new FieldError("customer.tags", "must not contain null"));
        }
        if (fields != null) {
            fields.forEach((key, value) -> {
                if (value == null) {
                    errors.add(new FieldError("fields." + key, "must be a string, not null"));
                }
            });
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }
}
