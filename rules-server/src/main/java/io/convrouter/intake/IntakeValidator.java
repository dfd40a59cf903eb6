package io.convrouter.intake;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import io.convrouter.errors.FieldError;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.workbench.Workbench;

/** Checks an intake request against the API's limits and the workbench's channels and tiers. */
public final class IntakeValidator {

    public static final int MAX_ID_LENGTH = 128;
    public static final int MAX_ENTRY_LENGTH = 512;
    public static final int MAX_FIELDS = 50;
    public static final int MAX_FIELD_VALUE_LENGTH = 1024;
    public static final int MAX_TAGS = 50;
    private static final Pattern LANGUAGE = Pattern.compile("[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*");

    private final Workbench workbench;

    public IntakeValidator(Workbench workbench) {
        this.workbench = workbench;
    }

    public void check(IntakeRequest r) {
        List<FieldError> errors = new ArrayList<>();
        if (blank(r.channel())) {
            errors.add(new FieldError("channel", "is required; one of " + sorted(workbench.channelIds())));
        } else if (!workbench.hasChannel(r.channel())) {
            errors.add(new FieldError("channel", "'" + r.channel() + "' is not a known channel; use one of "
                    + sorted(workbench.channelIds())));
        }
        if (blank(r.externalId())) {
            errors.add(new FieldError("externalId", "is required: the channel's own message or session id"));
        } else if (r.externalId().length() > MAX_ID_LENGTH) {
            errors.add(new FieldError("externalId", "is longer than " + MAX_ID_LENGTH + " characters"));
        }
        int maxText = workbench.routing().maxTextLength();
        if (r.text() == null || r.text().isBlank()) {
            errors.add(new FieldError("text", "is required and must not be blank"));
        } else if (r.text().codePointCount(0, r.text().length()) > maxText) {
            errors.add(new FieldError("text", "is " + r.text().codePointCount(0, r.text().length())
                    + " characters; the limit is " + maxText));
        }
        if (r.language() != null && !LANGUAGE.matcher(r.language()).matches()) {
            errors.add(new FieldError("language", "'" + r.language() + "' is not a language tag such as zh, en or zh-CN"));
        }
        if (r.customer() != null) {
            var c = r.customer();
            if (c.id() != null && c.id().length() > MAX_ID_LENGTH) {
                errors.add(new FieldError("customer.id", "is longer than " + MAX_ID_LENGTH + " characters"));
            }
            if (c.tier() != null && !workbench.hasTier(c.tier())) {
                errors.add(new FieldError("customer.tier", "'" + c.tier() + "' is not a known tier; use one of "
                        + workbench.routing().tiers()));
            }
            if (c.orderCount() < 0) {
                errors.add(new FieldError("customer.orderCount", "must not be negative"));
            }
            if (c.lastAgentId() != null && c.lastAgentId().length() > MAX_ID_LENGTH) {
                errors.add(new FieldError("customer.lastAgentId", "is longer than " + MAX_ID_LENGTH + " characters"));
            }
            if (c.tags().size() > MAX_TAGS) {
                errors.add(new FieldError("customer.tags", "has " + c.tags().size() + " tags; the limit is " + MAX_TAGS));
            }
        }
        if (r.entry() != null) {
            checkLength(errors, "entry.campaign", r.entry().campaign(), MAX_ENTRY_LENGTH);
            checkLength(errors, "entry.landingPage", r.entry().landingPage(), MAX_ENTRY_LENGTH);
            checkLength(errors, "entry.businessLine", r.entry().businessLine(), MAX_ENTRY_LENGTH);
        }
        if (r.fields() != null) {
            if (r.fields().size() > MAX_FIELDS) {
                errors.add(new FieldError("fields", "has " + r.fields().size() + " entries; the limit is " + MAX_FIELDS));
            }
            for (Map.Entry<String, String> f : r.fields().entrySet()) {
                if (f.getValue() != null && f.getValue().length() > MAX_FIELD_VALUE_LENGTH) {
                    errors.add(new FieldError("fields." + f.getKey(), "is longer than " + MAX_FIELD_VALUE_LENGTH + " characters"));
                }
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
    }

    private static void checkLength(List<FieldError> errors, String field, String value, int max) {
        if (value != null && value.length() > max) {
            errors.add(new FieldError(field, "is longer than " + max + " characters"));
        }
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static List<String> sorted(java.util.Collection<String> c) {
        return c.stream().sorted().toList();
    }
}
