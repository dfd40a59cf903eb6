package io.convrouter.security;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** Who a key belongs to, and so what it may do (see {@link AccessRules}). */
public enum Role {
    /** Channel and desk integrations: intake, agent presence, the conversation lifecycle. */
    INTEGRATION,
    /** Operations: rulesets, replays and experiments, webhooks, the rebalancer. */
    OPS,
    /** Live state, read only: queues, agents, conversations and their positions. */
    SUPERVISOR,
    /** The decision log, reports and exports, read only. */
    AUDITOR,
    /** Everything. */
    ADMIN;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The Spring Security authority of this role. */
    public String authority() {
        return "ROLE_" + name();
    }

    public static Optional<Role> fromWire(String value) {
        return value == null ? Optional.empty()
                : Arrays.stream(values()).filter(r -> r.wireName().equals(value.trim().toLowerCase(Locale.ROOT))).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(Role::wireName).toList();
    }
}
