package io.convrouter.classify.facts;

/**
 * What the bot learned before handing the conversation to a human: the intent it recognised, how
 * sure it was (0-1), why it handed off, and a summary for the agent. Present only in a
 * classification made at handoff.
 */
public final class BotHandoff {
    private final String intent;
    private final double confidence;
    private final String reason;
    private final String summary;

    public BotHandoff(String intent, double confidence, String reason, String summary) {
        this.intent = intent;
        this.confidence = confidence;
        this.reason = reason;
        this.summary = summary;
    }

    public String getIntent() { return intent; }
    public double getConfidence() { return confidence; }
    public String getReason() { return reason; }
    public String getSummary() { return summary; }

    @Override
    public String toString() {
        return "BotHandoff[" + intent + " " + confidence + ", " + reason + "]";
    }
}
