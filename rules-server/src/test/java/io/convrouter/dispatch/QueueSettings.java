package io.convrouter.dispatch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.convrouter.workbench.QueueDispatch;

/**
 * Builds the {@link QueueDispatch} of one queue for a test. Unless told otherwise a queue assigns
 * at once (no offers), has no timers (no reclaim, sticky window, wrap-up or aging), ranks by
 * most-available and assumes a 180 s handle time: every test switches on only what it checks.
 */
final class QueueSettings {
    final String queue;
    private String strategy = "most-available";
    private final Map<String, Double> weights = new LinkedHashMap<>();
    private boolean autoAccept = true;
    private int offerTimeoutSeconds = 30;
    private int timeoutsBeforeAway;
    private int wrapUpSeconds;
    private int reclaimAfterSeconds;
    private double agingPerMinute;
    private int stickySeconds;
    private final List<QueueDispatch.RelaxStep> relax = new ArrayList<>();
    private final List<QueueDispatch.Overflow> overflow = new ArrayList<>();
    private int averageHandleSeconds = 180;
    private int waitAlertSeconds;

    private QueueSettings(String queue) {
        this.queue = queue;
    }

    static QueueSettings queue(String id) {
        return new QueueSettings(id);
    }

    QueueSettings strategy(String s) {
        strategy = s;
        return this;
    }

    QueueSettings weight(String key, double w) {
        weights.put(key, w);
        return this;
    }

    /** Agents must accept: each assignment is an offer that expires after {@code timeoutSeconds}. */
    QueueSettings offers(int timeoutSeconds) {
        autoAccept = false;
        offerTimeoutSeconds = timeoutSeconds;
        return this;
    }

    QueueSettings timeoutsBeforeAway(int n) {
        timeoutsBeforeAway = n;
        return this;
    }

    QueueSettings wrapUp(int seconds) {
        wrapUpSeconds = seconds;
        return this;
    }

    QueueSettings reclaimAfter(int seconds) {
        reclaimAfterSeconds = seconds;
        return this;
    }

    QueueSettings aging(double pointsPerMinute) {
        agingPerMinute = pointsPerMinute;
        return this;
    }

    QueueSettings sticky(int seconds) {
        stickySeconds = seconds;
        return this;
    }

    QueueSettings lower(int afterSeconds, String skill, int level) {
        relax.add(new QueueDispatch.RelaxStep(afterSeconds, "lower", skill, level));
        return this;
    }

    QueueSettings drop(int afterSeconds, String skill) {
        relax.add(new QueueDispatch.RelaxStep(afterSeconds, "drop", skill, null));
        return this;
    }

    QueueSettings dropTeam(int afterSeconds) {
        relax.add(new QueueDispatch.RelaxStep(afterSeconds, "drop-team", null, null));
        return this;
    }

    QueueSettings anyAgent(int afterSeconds) {
        relax.add(new QueueDispatch.RelaxStep(afterSeconds, "any-agent", null, null));
        return this;
    }

    QueueSettings overflow(String to, int afterSeconds, int maxEstimatedWaitSeconds, double minServiceLevel) {
        overflow.add(new QueueDispatch.Overflow(List.of(to), afterSeconds, maxEstimatedWaitSeconds, minServiceLevel));
        return this;
    }

    QueueSettings averageHandle(int seconds) {
        averageHandleSeconds = seconds;
        return this;
    }

    QueueSettings waitAlert(int seconds) {
        waitAlertSeconds = seconds;
        return this;
    }

    QueueDispatch build() {
        return new QueueDispatch(strategy, weights, autoAccept, offerTimeoutSeconds, timeoutsBeforeAway, wrapUpSeconds,
                reclaimAfterSeconds, agingPerMinute, stickySeconds, relax, overflow, averageHandleSeconds,
                waitAlertSeconds, 0, "bot", null, "message");
    }
}
