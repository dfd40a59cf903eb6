package io.convrouter.classify;

import java.util.Arrays;
import java.util.List;
import java.util.Optional;

/**
 * The stages a classification runs through, in order. Every rule belongs to exactly one stage
 * (its RULEFLOW-GROUP). Within a stage every matching rule fires; the routing plan is then
 * refreshed so the next stage's conditions see what this stage decided.
 */
public enum Stage {
    /** Work out what the customer wants: sets the intent. The first matching rule wins. */
    INTENT("intent"),
    /** Route by intent: queue, required skills, priority, SLA. */
    ROUTE("route"),
    /** Adjust for who the customer is and where they came from: VIP, campaign, channel, language. */
    ADJUST("adjust"),
    /** Last word: guards that must hold whatever came before (blacklist to the bot, etc.). */
    GUARD("guard");

    private final String group;

    Stage(String group) {
        this.group = group;
    }

    public String group() {
        return group;
    }

    public static Optional<Stage> ofGroup(String group) {
        return Arrays.stream(values()).filter(s -> s.group.equals(group)).findFirst();
    }

    public static List<String> groups() {
        return Arrays.stream(values()).map(Stage::group).toList();
    }
}
