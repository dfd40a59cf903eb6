package io.convrouter.reports;

import java.util.Arrays;

/**
 * Waits counted in fixed bins, for percentiles in bounded memory whatever the number of
 * conversations: by the second below an hour, by the minute below a day, by the hour below 30
 * days, then one bin for anything longer. A percentile is the lower bound of the bin holding it,
 * so below an hour it is exact to the whole second. At most {@link #BINS} counters, allocated only
 * as far as the longest wait seen.
 */
final class WaitHistogram {
    private static final long HOUR = 3_600;
    private static final long DAY = 86_400;
    private static final long MONTH = 30 * DAY;
    private static final int SECOND_BINS = (int) HOUR;
    private static final int MINUTE_BINS = (int) ((DAY - HOUR) / 60);
    private static final int HOUR_BINS = (int) ((MONTH - DAY) / HOUR);
    static final int BINS = SECOND_BINS + MINUTE_BINS + HOUR_BINS + 1;

    private int[] counts = new int[0];
    private long total;

    void add(long waitMillis) {
        int bin = binOf(Math.max(0, waitMillis) / 1000);
        if (bin >= counts.length) {
            counts = Arrays.copyOf(counts, Math.min(BINS, Math.max(bin + 1, counts.length * 2)));
        }
        counts[bin]++;
        total++;
    }

    long count() {
        return total;
    }

    /**
     * The nearest-rank percentile in whole seconds: the smallest wait (bin) at or below which at
     * least {@code p} of the waits lie; null without waits.
     */
    Long percentileSeconds(double p) {
        if (total == 0) {
            return null;
        }
        long rank = Math.max(1, (long) Math.ceil(p * total));
        long seen = 0;
        for (int bin = 0; bin < counts.length; bin++) {
            seen += counts[bin];
            if (seen >= rank) {
                return lowerBoundSeconds(bin);
            }
        }
        throw new IllegalStateException("the histogram holds fewer waits than it counted");
    }

    static int binOf(long seconds) {
        if (seconds < HOUR) {
            return (int) seconds;
        }
        if (seconds < DAY) {
            return SECOND_BINS + (int) ((seconds - HOUR) / 60);
        }
        if (seconds < MONTH) {
            return SECOND_BINS + MINUTE_BINS + (int) ((seconds - DAY) / HOUR);
        }
        return BINS - 1;
    }

    static long lowerBoundSeconds(int bin) {
        if (bin < SECOND_BINS) {
            return bin;
        }
        if (bin < SECOND_BINS + MINUTE_BINS) {
            return HOUR + (long) (bin - SECOND_BINS) * 60;
        }
        if (bin < BINS - 1) {
            return DAY + (long) (bin - SECOND_BINS - MINUTE_BINS) * HOUR;
        }
        return MONTH;
    }
}
