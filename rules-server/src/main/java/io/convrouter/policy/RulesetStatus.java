package io.convrouter.policy;

import java.util.Locale;

import com.fasterxml.jackson.annotation.JsonValue;

/** Where a ruleset version stands. */
public enum RulesetStatus {
    /** Validated without errors; can be activated. */
    CANDIDATE,
    /** Classifying live traffic (or the variant of a running experiment). */
    ACTIVE,
    /** Was active once; can be activated again (that is what rollback does). */
    RETIRED,
    /** Did not validate; cannot be activated. The report says why. */
    FAILED;

    @JsonValue
    public String wireName() {
        return name().toLowerCase(Locale.ROOT);
    }
}
