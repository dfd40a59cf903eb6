package io.convrouter.reports;

import java.time.Duration;
import java.time.Instant;

import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;

/** Running sums for one group of a KPI report: constant memory besides its wait histogram. */
final class GroupStats {
    /** How a relaxation decision says the conversation may now go to another queue's agents (dispatch/RequirementsPlanner). */
    static final String OVERFLOW_MARK = "borrowing agents of ";

    private long conversations;
    private long answered;
    private long answeredWithinSla;
    private long abandoned;
    private long waiting;
    private long parked;
    private long dropped;
    private long waitMillis;
    private final WaitHistogram waits = new WaitHistogram();
    private long firstResponses;
    private long firstResponseMillis;
    private long reRouted;
    private long reRoutes;
    private long closed;
    private long resolved;
    private long converted;
    private long satisfactionSum;
    private long satisfactionResponses;
    private long handled;
    private long handleMillis;
    private long rejected;
    private long timedOut;
    private long reclaimed;
    private long relaxed;
    private long overflowed;
    private long rebalanced;
    private long handedOff;

    /** {@code slaSeconds}: the conversation's answer-time target; 0 or less for none. */
    void add(ConversationRecord c, int slaSeconds) {
        conversations++;
        ConversationStatus status = c.status();
        if (status == ConversationStatus.DROPPED) {
            dropped++;
        } else if (status.isParked()) {
            parked++;
        } else if (status == ConversationStatus.QUEUED || status == ConversationStatus.OFFERED) {
            waiting++;
        }
        Instant queuedAt = c.queuedAt();
        if (c.assignedAt() != null) {
            answered++;
            long wait = millis(queuedAt, c.assignedAt());
            waitMillis += wait;
            waits.add(wait);
            if (slaSeconds <= 0 || wait <= slaSeconds * 1000L) {
                answeredWithinSla++;
            }
            if (status == ConversationStatus.CLOSED && c.endedAt() != null) {
                handled++;
                handleMillis += millis(c.assignedAt(), c.endedAt());
            }
        } else if (status == ConversationStatus.ABANDONED && c.strategy() != null) {
            // Left before any agent took it, after joining the agents' queue (a strategy is recorded
            // then); leaving the bot, a message or a call back is not abandoning a queue.
            abandoned++;
        }
        if (c.progress().firstReplyAt() != null) {
            firstResponses++;
            firstResponseMillis += millis(queuedAt, c.progress().firstReplyAt());
        }
        if (c.progress().reroutes() > 0) {
            reRouted++;
            reRoutes += c.progress().reroutes();
        }
        if (status == ConversationStatus.CLOSED) {
            closed++;
            if (c.outcome() == Outcome.RESOLVED || c.outcome() == Outcome.CONVERTED) {
                resolved++; // a sale closes the customer's question too
            }
            if (c.outcome() == Outcome.CONVERTED) {
                converted++;
            }
        }
        if (c.satisfaction() != null) {
            satisfactionSum += c.satisfaction();
            satisfactionResponses++;
        }
    }

    void add(DecisionRecord d) {
        switch (d.kind()) {
            case REJECTED -> rejected++;
            case TIMED_OUT -> timedOut++;
            case RECLAIMED -> reclaimed++;
            case RELAXED -> {
                relaxed++;
                if (d.reason() != null && d.reason().contains(OVERFLOW_MARK)) {
                    overflowed++;
                }
            }
            case REBALANCED -> rebalanced++;
            case HANDED_OFF -> handedOff++;
            default -> { }
        }
    }

    KpiRow row(String group) {
        long offered = answered + abandoned;
        return new KpiRow(group, conversations, answered, answeredWithinSla, abandoned, waiting, parked, dropped,
                seconds(waitMillis, answered), waits.percentileSeconds(0.9), rate(answeredWithinSla, offered),
                rate(abandoned, offered), seconds(firstResponseMillis, firstResponses), firstResponses, reRouted,
                reRoutes, closed, resolved, converted, rate(resolved, closed), rate(converted, closed),
                average(satisfactionSum, satisfactionResponses), satisfactionResponses, seconds(handleMillis, handled),
                new KpiRow.Events(rejected, timedOut, reclaimed, relaxed, overflowed, rebalanced, handedOff));
    }

    private static long millis(Instant from, Instant to) {
        return from == null || to == null ? 0 : Math.max(0, Duration.between(from, to).toMillis());
    }

    /** An average of milliseconds in seconds, to the millisecond. */
    private static Double seconds(long totalMillis, long count) {
        return count == 0 ? null : Math.round((double) totalMillis / count) / 1000.0;
    }

    private static Double rate(long part, long whole) {
        return whole == 0 ? null : Math.round(part * 10_000.0 / whole) / 10_000.0;
    }

    private static Double average(long sum, long count) {
        return count == 0 ? null : Math.round(sum * 1_000.0 / count) / 1_000.0;
    }
}
