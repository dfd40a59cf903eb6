package io.convrouter.workbench;

import java.util.List;
import java.util.Map;

/**
 * How a queue dispatches, as ops set it in workbench-config/queues.yaml (a `defaults` block, and
 * per queue a `dispatch` block overriding any of its fields). Times are in seconds.
 *
 * @param strategy             how eligible agents are ranked: most-available, longest-idle,
 *                             round-robin, best-skill or performance
 * @param performanceWeights   for the performance strategy: weights of resolution, satisfaction
 *                             and spare capacity in the score
 * @param autoAccept           assign at once (true) or offer to the agent, who accepts or rejects
 * @param offerTimeoutSeconds  an offer not accepted in this time goes to the next agent
 * @param timeoutsBeforeAway   consecutive offer timeouts after which the agent is set away (0: never)
 * @param wrapUpSeconds        after closing a conversation the agent gets no new work for this long
 * @param reclaimAfterSeconds  an accepted conversation without a first reply in this time is
 *                             taken back and routed again (0: never)
 * @param agingPerMinute       priority points a waiting conversation gains per minute, so low
 *                             priority cannot starve
 * @param stickySeconds        how long a conversation waits for its preferred agent before any
 *                             eligible agent may take it
 * @param relax                the relaxation ladder: steps applied as the conversation waits
 * @param overflow             queues whose agents may be borrowed while those queues are healthy
 * @param averageHandleSeconds handle time assumed until closed conversations say otherwise
 * @param waitAlertSeconds     an alert event fires when the estimated wait crosses this (0: none)
 * @param maxWaitSeconds       when the estimated wait for a new conversation is over this, intake
 *                             sends it to {@code whenWaitOver} instead (0: never)
 * @param whenWaitOver         bot or callback
 * @param calendar             business-hours calendar in calendars.yaml (null: always open)
 * @param afterHours           outside the calendar's hours: bot, message or callback
 */
public record QueueDispatch(
        String strategy,
        Map<String, Double> performanceWeights,
        boolean autoAccept,
        int offerTimeoutSeconds,
        int timeoutsBeforeAway,
        int wrapUpSeconds,
        int reclaimAfterSeconds,
        double agingPerMinute,
        int stickySeconds,
        List<RelaxStep> relax,
        List<Overflow> overflow,
        int averageHandleSeconds,
        int waitAlertSeconds,
        int maxWaitSeconds,
        String whenWaitOver,
        String calendar,
        String afterHours) {

    public static final List<String> STRATEGIES = List.of("most-available", "longest-idle", "round-robin",
            "best-skill", "performance");
    public static final List<String> FALLBACKS = List.of("bot", "message", "callback");

    /**
     * One rung of the relaxation ladder, taking effect once the conversation has waited
     * {@code afterSeconds}: {@code lower} a skill's minimum level ({@code skill}, {@code level}),
     * {@code drop} a skill, {@code drop-team}, or {@code any-agent} (no skills, no team).
     */
    public record RelaxStep(int afterSeconds, String action, String skill, Integer level) {}

    /**
     * After {@code afterSeconds}, agents of the {@code to} queues may take this queue's
     * conversations, but only while the lending queue's estimated wait is under
     * {@code maxEstimatedWaitSeconds} and its service level is at least {@code minServiceLevel}.
     */
    public record Overflow(List<String> to, int afterSeconds, int maxEstimatedWaitSeconds, double minServiceLevel) {}

    public QueueDispatch {
        performanceWeights = performanceWeights == null ? Map.of() : Map.copyOf(performanceWeights);
        relax = relax == null ? List.of() : List.copyOf(relax);
        overflow = overflow == null ? List.of() : List.copyOf(overflow);
    }

    /** Settings that change nothing from the first routing path: assign at once, no timers. */
    public static QueueDispatch plain() {
        return new QueueDispatch("most-available", Map.of(), true, 30, 0, 0, 0, 0, 0, List.of(), List.of(), 180, 0, 0,
                "bot", null, "message");
    }

    public double weight(String key, double fallback) {
        return performanceWeights.getOrDefault(key, fallback);
    }
}
