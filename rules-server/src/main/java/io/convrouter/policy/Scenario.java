package io.convrouter.policy;

import java.util.Map;

import io.convrouter.classify.RoutingInput;

/**
 * One expectation ops wrote down: for this input, the rules must produce these values. Where it
 * lives (file, sheet, row) so a failure can be found in the spreadsheet.
 */
public record Scenario(String name, String file, String sheet, int row, RoutingInput input,
                       Map<String, String> expected) {

    public static final String INTENT = "intent";
    public static final String QUEUE = "queue";
    public static final String PRIORITY = "priority";
    public static final String SKILLS = "skills";
    public static final String TEAM = "team";
    public static final String BOT_FIRST = "botFirst";
    public static final String LANGUAGE = "language";
    public static final String SLA = "slaSeconds";
    public static final String PREFERRED_AGENT = "preferredAgent";
    public static final String RULES = "rules";
    public static final String DROPPED = "dropped";
}
