package io.convrouter.agents;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/**
 * Whether an agent can take new conversations. Only ONLINE agents are offered work; BUSY agents
 * (in a meeting, on a task) and AWAY agents keep what they hold but get nothing new.
 */
public enum Presence {
    ONLINE, AWAY, BUSY, OFFLINE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Presence> parse(String s) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(s)).findFirst();
    }
}
