package io.convrouter.reports;

/**
 * The figures of one group of a KPI report. Conversation figures are about the conversations
 * that arrived in the range, as they stand now; {@link Events} counts the decisions made in the
 * range. Rates and averages are null when nothing counts towards them. The README ("Reports")
 * defines each figure.
 */
public record KpiRow(
        String group,
        long conversations,
        long answered,
        long answeredWithinSla,
        long abandoned,
        long waiting,
        long parked,
        long dropped,
        Double averageWaitSeconds,
        Long p90WaitSeconds,
        Double serviceLevel,
        Double abandonmentRate,
        Double averageFirstResponseSeconds,
        long firstResponses,
        long reRouted,
        long reRoutes,
        long closed,
        long resolved,
        long converted,
        Double resolutionRate,
        Double conversionRate,
        Double averageSatisfaction,
        long satisfactionResponses,
        Double averageHandleSeconds,
        Events events) {

    /**
     * Decisions in the range that moved conversations: offers rejected and timed out, accepted
     * conversations reclaimed for want of a first reply, requirements relaxed as they waited (of
     * which overflowed: borrowing another queue's agents), rebalancer moves, bot handoffs.
     */
    public record Events(long rejected, long timedOut, long reclaimed, long relaxed, long overflowed, long rebalanced,
                         long handedOff) {}
}
