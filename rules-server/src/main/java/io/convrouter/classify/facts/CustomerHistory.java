package io.convrouter.classify.facts;

import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The customer's recent conversations, as the rules see them when a new one arrives: how many
 * and how recent, what they were about, how they ended, who served them. Newest first. A
 * customer without an id (or without history) has an empty history.
 */
public final class CustomerHistory {

    /** One past conversation. {@code outcome}: resolved, unresolved, converted, abandoned, or null while open. */
    public record Past(String conversationId, Instant at, String intent, String queue, String agentId, String outcome,
                       Integer satisfaction) {}

    private final List<Past> past;
    private final Instant now;

    public CustomerHistory(List<Past> past, Instant now) {
        this.past = past.stream().sorted(Comparator.comparing(Past::at).reversed()).toList();
        this.now = now;
    }

    public static CustomerHistory empty(Instant now) {
        return new CustomerHistory(List.of(), now);
    }

    public List<Past> getPast() {
        return past;
    }

    public boolean isEmpty() {
        return past.isEmpty();
    }

    public int countWithinHours(int hours) {
        return (int) past.stream().filter(p -> within(p, Duration.ofHours(hours))).count();
    }

    public int countWithinDays(int days) {
        return countWithinHours(days * 24);
    }

    /** A conversation about the same intent within the days: this one is a repeat inquiry. */
    public boolean hadIntentWithinDays(String intent, int days) {
        return intent != null && past.stream().anyMatch(p -> intent.equals(p.intent()) && within(p, Duration.ofDays(days)));
    }

    /** A conversation about the same intent within the days that ended unresolved (or was abandoned). */
    public boolean unresolvedIntentWithinDays(String intent, int days) {
        return intent != null && past.stream().anyMatch(p -> intent.equals(p.intent()) && within(p, Duration.ofDays(days))
                && ("unresolved".equals(p.outcome()) || "abandoned".equals(p.outcome())));
    }

    /** The agent who last served a conversation about this intent, or null. */
    public String lastAgentFor(String intent) {
        return past.stream().filter(p -> Objects.equals(intent, p.intent()) && p.agentId() != null)
                .map(Past::agentId).findFirst().orElse(null);
    }

    public boolean abandonedWithinHours(int hours) {
        return past.stream().anyMatch(p -> "abandoned".equals(p.outcome()) && within(p, Duration.ofHours(hours)));
    }

    public int complaintsWithinDays(int days) {
        return (int) past.stream().filter(p -> "complaint".equals(p.intent()) && within(p, Duration.ofDays(days))).count();
    }

    public String getLastOutcome() {
        return past.isEmpty() ? null : past.get(0).outcome();
    }

    public String getLastAgentId() {
        return past.stream().map(Past::agentId).filter(Objects::nonNull).findFirst().orElse(null);
    }

    public String getLastIntent() {
        return past.isEmpty() ? null : past.get(0).intent();
    }

    public boolean isLastAbandoned() {
        return "abandoned".equals(getLastOutcome());
    }

    /** Hours since the last conversation began, or -1 without history. */
    public long getHoursSinceLast() {
        return past.isEmpty() ? -1 : Duration.between(past.get(0).at(), now).toHours();
    }

    /** The latest satisfaction the customer gave (1-5), or null. */
    public Integer getLastSatisfaction() {
        return past.stream().map(Past::satisfaction).filter(Objects::nonNull).findFirst().orElse(null);
    }

    private boolean within(Past p, Duration d) {
        return p.at() != null && !p.at().isBefore(now.minus(d));
    }

    @Override
    public String toString() {
        return "CustomerHistory[" + past.size() + " recent]";
    }
}
