package io.convrouter.reports;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;

/**
 * What a KPI report groups by, and how each conversation and each decision names its group.
 * A conversation is grouped by what it holds now (its final queue and intent after a bot handoff,
 * the agent who holds or last held it); a decision by what it recorded when it was made (the
 * agent who rejected an offer, the queue it was waiting in).
 */
public enum ReportDimension {
    NONE("none"),
    QUEUE("queue"),
    CHANNEL("channel"),
    CAMPAIGN("campaign"),
    LANDING_PAGE("landingPage"),
    INTENT("intent"),
    AGENT("agent"),
    STRATEGY("strategy"),
    VARIANT("variant");

    /** The one group of a report by {@link #NONE}. */
    public static final String ALL = "all";
    /** The group of conversations and decisions without a value (no campaign, no agent...). */
    public static final String MISSING = "(none)";

    private final String wireName;

    ReportDimension(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    public static Optional<ReportDimension> parse(String s) {
        return Arrays.stream(values()).filter(d -> d.wireName.equals(s)).findFirst();
    }

    public static List<String> wireNames() {
        return Arrays.stream(values()).map(ReportDimension::wireName).toList();
    }

    String keyOf(ConversationRecord c) {
        return orMissing(switch (this) {
            case NONE -> ALL;
            case QUEUE -> c.plan() == null ? null : c.plan().queue();
            case CHANNEL -> c.channel();
            case CAMPAIGN -> c.entry() == null ? null : c.entry().campaign();
            case LANDING_PAGE -> c.entry() == null ? null : c.entry().landingPage();
            case INTENT -> c.plan() == null ? null : c.plan().intent();
            case AGENT -> c.agentId();
            case STRATEGY -> c.strategy();
            case VARIANT -> variant(c.experimentId(), c.variant());
        });
    }

    /** From what the decision recorded: its plan, its chosen (or declining) agent, and its inputs (see audit/DecisionInputs). */
    String keyOf(DecisionRecord d) {
        Map<String, Object> input = d.input();
        return orMissing(switch (this) {
            case NONE -> ALL;
            case QUEUE -> d.plan() == null ? null : d.plan().queue();
            case CHANNEL -> text(input, "conversation", "channel");
            case CAMPAIGN -> text(input, "entry", "campaign");
            case LANDING_PAGE -> text(input, "entry", "landingPage");
            case INTENT -> d.plan() == null ? null : d.plan().intent();
            case AGENT -> d.chosenAgentId();
            case STRATEGY -> text(input, "dispatch", "strategy");
            case VARIANT -> variant(text(input, "experiment", "id"), text(input, "experiment", "variant"));
        });
    }

    /** "experiment id/variant": the same variant name in two experiments is two groups. */
    private static String variant(String experimentId, String variant) {
        return experimentId == null ? null : experimentId + "/" + variant;
    }

    private static String text(Map<String, Object> input, String section, String field) {
        return input != null && input.get(section) instanceof Map<?, ?> m && m.get(field) != null
                ? m.get(field).toString() : null;
    }

    private static String orMissing(String key) {
        return key == null || key.isEmpty() ? MISSING : key;
    }
}
