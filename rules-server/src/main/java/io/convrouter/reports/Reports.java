package io.convrouter.reports;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.ToIntFunction;

import io.convrouter.audit.DecisionKind;
import io.convrouter.classify.FiredRule;
import io.convrouter.classify.RuleSource;
import io.convrouter.classify.Ruleset;
import io.convrouter.classify.Stage;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.errors.FieldError;
import io.convrouter.errors.InvalidInputException;

/**
 * Managers' reports over a time range: KPIs per queue, channel, campaign, landing page, intent,
 * agent, dispatch strategy or A/B variant, and how often each rule fired. One pass over the
 * conversations that arrived in the range and one over the decisions made in it, straight from the
 * source's cursor; memory grows with the number of groups (capped), never with the traffic.
 */
public final class Reports {
    /** Decisions that move a conversation: the report's events. */
    static final Set<DecisionKind> MOVES = EnumSet.of(DecisionKind.REJECTED, DecisionKind.TIMED_OUT,
            DecisionKind.RECLAIMED, DecisionKind.RELAXED, DecisionKind.REBALANCED, DecisionKind.HANDED_OFF);
    /** Decisions that ran the rules: routing a new conversation, and a bot handing one over. */
    static final Set<DecisionKind> CLASSIFICATIONS = EnumSet.of(DecisionKind.ROUTED, DecisionKind.HANDED_OFF);
    /** The range when neither end is given: the last day. */
    public static final Duration DEFAULT_RANGE = Duration.ofDays(1);
    /** The group that sums every group beyond the report's limit. */
    public static final String OTHER = "(other)";

    private final ReportSource source;
    private final ToIntFunction<String> queueSlaSeconds;
    private final Function<String, Ruleset> rulesets;
    private final Clock clock;
    private final Duration maxRange;
    private final int maxGroups;

    /**
     * @param queueSlaSeconds the answer-time target of a queue in workbench-config, for conversations
     *                        whose plan has none
     * @param rulesets        a ruleset version compiled; null asks for the active one
     * @param maxRange        the longest range a report may cover
     * @param maxGroups       the most groups a report lists; the rest are summed as {@link #OTHER}
     */
    public Reports(ReportSource source, ToIntFunction<String> queueSlaSeconds, Function<String, Ruleset> rulesets,
                   Clock clock, Duration maxRange, int maxGroups) {
        this.source = source;
        this.queueSlaSeconds = queueSlaSeconds;
        this.rulesets = rulesets;
        this.clock = clock;
        this.maxRange = maxRange;
        this.maxGroups = maxGroups;
    }

    /** A report's time range, [from, to). */
    public record Range(Instant from, Instant to) {}

    // ------------------------------------------------------------------ KPIs

    /** The KPI report for request parameters as given (null when absent); every bad one is named in the error. */
    public KpiReport kpis(String from, String to, String by) {
        List<FieldError> errors = new ArrayList<>();
        Range range = range(from, to, errors);
        ReportDimension dimension = ReportDimension.NONE;
        if (by != null && !by.isBlank()) {
            dimension = ReportDimension.parse(by.trim()).orElse(null);
            if (dimension == null) {
                errors.add(new FieldError("by", "'" + by + "' is not something reports group by; use one of "
                        + ReportDimension.wireNames()));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return kpis(range.from(), range.to(), dimension);
    }

    public KpiReport kpis(Instant from, Instant to, ReportDimension by) {
        long start = System.nanoTime();
        Map<String, GroupStats> groups = new LinkedHashMap<>();
        GroupStats total = new GroupStats();
        boolean[] capped = {false};
        long[] scanned = {0, 0};
        source.conversationsCreated(from, to, c -> {
            scanned[0]++;
            int sla = slaSeconds(c);
            total.add(c, sla);
            group(groups, by.keyOf(c), capped).add(c, sla);
        });
        source.decisions(from, to, MOVES, d -> {
            scanned[1]++;
            total.add(d);
            group(groups, by.keyOf(d), capped).add(d);
        });
        KpiRow totalRow = total.row(ReportDimension.ALL);
        List<KpiRow> rows = new ArrayList<>();
        if (by == ReportDimension.NONE) {
            rows.add(totalRow);
        } else {
            groups.forEach((key, stats) -> rows.add(stats.row(key)));
            rows.sort(Comparator.comparingLong(KpiRow::conversations).reversed().thenComparing(KpiRow::group));
        }
        return new KpiReport(from, to, by.wireName(), clock.instant(), rows, totalRow, capped[0],
                new KpiReport.Scanned(scanned[0], scanned[1], (System.nanoTime() - start) / 1_000_000));
    }

    private GroupStats group(Map<String, GroupStats> groups, String key, boolean[] capped) {
        GroupStats g = groups.get(key);
        if (g != null) {
            return g;
        }
        if (groups.size() >= maxGroups) {
            capped[0] = true;
            return groups.computeIfAbsent(OTHER, k -> new GroupStats());
        }
        g = new GroupStats();
        groups.put(key, g);
        return g;
    }

    /** The conversation's own answer-time target (the rules may tighten it), else its queue's. */
    private int slaSeconds(ConversationRecord c) {
        if (c.plan() == null) {
            return 0;
        }
        return c.plan().slaSeconds() > 0 ? c.plan().slaSeconds() : queueSlaSeconds.applyAsInt(c.plan().queue());
    }

    // ------------------------------------------------------------------ rules

    /** The rule report for request parameters as given (null when absent). */
    public RuleReport rules(String from, String to, String version) {
        List<FieldError> errors = new ArrayList<>();
        Range range = range(from, to, errors);
        if (!errors.isEmpty()) {
            throw new InvalidInputException(errors);
        }
        return rules(range.from(), range.to(), version == null || version.isBlank() ? null : version.trim());
    }

    public RuleReport rules(Instant from, Instant to, String version) {
        long start = System.nanoTime();
        Ruleset ruleset = rulesets.apply(version);
        Map<String, RuleCount> counts = new HashMap<>();
        for (Map.Entry<String, RuleSource> r : ruleset.rules().entrySet()) {
            String key = r.getKey();
            int slash = key.indexOf('/');
            String packageName = key.substring(0, slash);
            String name = key.substring(slash + 1);
            RuleSource where = r.getValue();
            Stage stage = ruleset.stageOf(packageName, name);
            counts.put(ruleKey(name, where.file()), new RuleCount(name, stage == null ? null : stage.group(),
                    where.file(), where.sheet(), where.row(), where.line(), true));
        }
        long[] classifications = {0};
        source.decisions(from, to, CLASSIFICATIONS, d -> {
            classifications[0]++;
            for (FiredRule f : d.rulesFired()) {
                counts.computeIfAbsent(ruleKey(f.name(), f.source()), k -> new RuleCount(f.name(), f.stage(),
                        f.source(), f.sheet(), f.row(), f.line(), false)).hits++;
            }
        });
        Comparator<RuleReport.Rule> inFileOrder = Comparator.comparing(RuleReport.Rule::source, nullsFirst())
                .thenComparing(RuleReport.Rule::sheet, nullsFirst())
                .thenComparing(RuleReport.Rule::row, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()))
                .thenComparing(RuleReport.Rule::line, Comparator.nullsFirst(Comparator.<Integer>naturalOrder()))
                .thenComparing(RuleReport.Rule::name);
        List<RuleReport.Rule> rules = new ArrayList<>();
        for (RuleCount c : counts.values()) {
            rules.add(new RuleReport.Rule(c.name, c.stage, c.source, c.sheet, c.row, c.line, c.hits,
                    classifications[0] == 0 ? null : Math.round(c.hits * 10_000.0 / classifications[0]) / 10_000.0,
                    c.inRuleset));
        }
        rules.sort(Comparator.comparingLong(RuleReport.Rule::hits).reversed().thenComparing(inFileOrder));
        List<RuleReport.Rule> neverFired = rules.stream().filter(r -> r.inRuleset() && r.hits() == 0)
                .sorted(inFileOrder).toList();
        return new RuleReport(from, to, ruleset.version(), clock.instant(), classifications[0], rules, neverFired,
                new KpiReport.Scanned(0, classifications[0], (System.nanoTime() - start) / 1_000_000));
    }

    private static String ruleKey(String name, String file) {
        return name + '\u0000' + file;
    }

    private static Comparator<String> nullsFirst() {
        return Comparator.nullsFirst(Comparator.<String>naturalOrder());
    }

    private static final class RuleCount {
        final String name;
        final String stage;
        final String source;
        final String sheet;
        final Integer row;
        final Integer line;
        final boolean inRuleset;
        long hits;

        RuleCount(String name, String stage, String source, String sheet, Integer row, Integer line, boolean inRuleset) {
            this.name = name;
            this.stage = stage;
            this.source = source;
            this.sheet = sheet;
            this.row = row;
            this.line = line;
            this.inRuleset = inRuleset;
        }
    }

    // ------------------------------------------------------------------ the range

    /**
     * [from, to) from ISO-8601 instants ("2026-11-25T02:00:00Z") or date-times with an offset
     * ("2026-11-25T10:00:00+08:00"). Without {@code to}: now; without {@code from}: a day before
     * {@code to}. Problems are added to {@code errors}.
     */
    Range range(String from, String to, List<FieldError> errors) {
        Instant end = to == null || to.isBlank() ? clock.instant() : instant("to", to, errors);
        Instant start = from == null || from.isBlank() ? (end == null ? null : end.minus(DEFAULT_RANGE))
                : instant("from", from, errors);
        if (start == null || end == null) {
            return null;
        }
        if (!start.isBefore(end)) {
            errors.add(new FieldError("from", "must be before 'to' (from " + start + ", to " + end + ")"));
        } else if (Duration.between(start, end).compareTo(maxRange) > 0) {
            errors.add(new FieldError("from", "the range from " + start + " to " + end + " is longer than "
                    + describe(maxRange) + ", the longest a report covers; ask for shorter ranges"));
        }
        return new Range(start, end);
    }

    private static Instant instant(String field, String text, List<FieldError> errors) {
        // A '+' in an unencoded query string arrives as a space: "10:00:00 08:00" meant "+08:00".
        String t = text.trim().replace(' ', '+');
        try {
            return OffsetDateTime.parse(t).toInstant();
        } catch (DateTimeException e) {
            errors.add(new FieldError(field, "'" + text + "' is not a time; use ISO-8601 such as 2026-11-25T02:00:00Z"
                    + " or 2026-11-25T10:00:00+08:00"));
            return null;
        }
    }

    private static String describe(Duration d) {
        return d.toHours() % 24 == 0 ? d.toDays() + " days" : d.toHours() + " hours";
    }
}
