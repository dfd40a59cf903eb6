package io.convrouter.agents;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** Whether an agent can take new conversations. Only ONLINE agents are offered work. */
public enum Presence {
    ONLINE, AWAY, OFFLINE;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Presence> parse(String s) {
        return Arrays.stream(values()).filter(p -> p.wireName().equals(s)).findFirst();
    }
}
