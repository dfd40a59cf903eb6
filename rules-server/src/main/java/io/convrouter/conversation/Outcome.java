package io.convrouter.conversation;

import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;

/** How a closed conversation ended. */
public enum Outcome {
    RESOLVED, UNRESOLVED, CONVERTED;

    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Optional<Outcome> parse(String s) {
        return Arrays.stream(values()).filter(o -> o.wireName().equals(s)).findFirst();
    }
}
