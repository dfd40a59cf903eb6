package io.convrouter.reports;

import java.time.Instant;
import java.util.List;

/**
 * Managers' figures for [from, to), one row per group ({@code by}) and a total. With more distinct
 * groups than the report keeps, the rest are summed in a group named "(other)" and
 * {@code groupsCapped} is true.
 */
public record KpiReport(Instant from, Instant to, String by, Instant generatedAt, List<KpiRow> groups, KpiRow total,
                        boolean groupsCapped, Scanned scanned) {

    /** What computing the report read, and how long it took. */
    public record Scanned(long conversations, long decisions, long millis) {}
}
