package io.convrouter.intake;

import java.util.Map;

import io.convrouter.conversation.ConversationRecord;

/** A validated request to route a new conversation. */
public record IntakeRequest(String channel, String externalId, String text, String language,
                            ConversationRecord.CustomerInfo customer, ConversationRecord.EntryInfo entry,
                            Map<String, String> fields) {}
