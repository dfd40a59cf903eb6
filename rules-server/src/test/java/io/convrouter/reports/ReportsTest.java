package io.convrouter.reports;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.junit.jupiter.api.Test;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;
import io.convrouter.errors.InvalidInputException;

/**
 * The report core over records in memory: what the API test cannot easily produce (waits of
 * hours and days, thousands of them, more groups than a report keeps, overflow and rebalancer
 * decisions, a plan without an SLA target), each checked against figures computed here.
 */
class ReportsTest {
    static final Instant T0 = Instant.parse("2026-11-11T00:00:00Z");
    static final Clock CLOCK = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);
    /** Queue SLA targets as workbench-config would give them. */
    static final Map<String, Integer> QUEUE_SLA = Map.of("after-sales", 90, "sales", 30);

    private final List<ConversationRecord> conversations = new ArrayList<>();
    private final List<DecisionRecord> decisions = new ArrayList<>();

    private Reports reports(int maxGroups) {
        return new Reports(new RecordsReportSource(() -> conversations, () -> decisions),
                q -> QUEUE_SLA.getOrDefault(q, 0), v -> { throw new IllegalStateException("no rulesets here"); },
                CLOCK, Duration.ofDays(92), maxGroups);
    }

    private static ConversationRecord conversation(String id, String queue, int planSla, ConversationStatus status,
                                                   Instant createdAt, Instant assignedAt, String strategy,
                                                   String campaign) {
        Classification.Plan plan = new Classification.Plan("refund", queue, Map.of("refund", 3), "zh", null, 40,
                planSla, false, null);
        return new ConversationRecord(id, "web", "ext-" + id, "text", "zh", null,
                new ConversationRecord.EntryInfo(campaign, null, null), Map.of(), plan, "v1", status,
                assignedAt == null ? null : "agent-1", "d-" + id, createdAt, assignedAt,
                status.isFinal() ? createdAt.plusSeconds(3_000_000) : null, status == ConversationStatus.CLOSED
                ? Outcome.RESOLVED : null, null, null, null, null, strategy);
    }

    private static DecisionRecord decision(DecisionKind kind, Instant at, String queue, String agent, String reason) {
        Classification.Plan plan = new Classification.Plan("refund", queue, Map.of(), "zh", null, 40, 90, false, null);
        return new DecisionRecord("d-" + kind + at, kind, at, "c-1", "v1",
                Map.of("conversation", Map.of("channel", "web"), "dispatch", Map.of("strategy", "best-skill")),
                List.of(), plan, List.of(), agent, kind.wireName(), reason, 0);
    }

    @Test
    void theNinetiethPercentileWaitIsTheNearestRankToTheSecondBelowAnHour() {
        Random random = new Random(8);
        List<Long> waitSeconds = new ArrayList<>();
        long within = 0;
        for (int i = 0; i < 5_000; i++) {
            long millis = (long) (random.nextDouble() * random.nextDouble() * 3_600_000L);
            Instant created = T0.plusSeconds(i);
            conversations.add(conversation("c" + i, "after-sales", 90, ConversationStatus.ASSIGNED, created,
                    created.plusMillis(millis), "best-skill", null));
            waitSeconds.add(millis / 1000);
            within += millis <= 90_000 ? 1 : 0;
        }
        List<Long> sorted = waitSeconds.stream().sorted().toList();
        long p90 = sorted.get((int) Math.ceil(0.9 * sorted.size()) - 1);

        KpiRow total = reports(1000).kpis(T0, T0.plus(Duration.ofDays(1)), ReportDimension.NONE).total();

        assertThat(total.answered()).isEqualTo(5_000);
        assertThat(total.p90WaitSeconds()).isEqualTo(p90);
        assertThat(total.serviceLevel()).isCloseTo(within / 5_000.0, org.assertj.core.api.Assertions.within(0.00006));
    }

    @Test
    void longWaitsFallInMinuteHourAndMonthBins() {
        WaitHistogram h = new WaitHistogram();
        for (long seconds : new long[] {3_599, 3_725, 90_061, 40L * 86_400}) {
            h.add(seconds * 1000 + 999);
        }
        assertThat(h.percentileSeconds(0.25)).isEqualTo(3_599);
        assertThat(h.percentileSeconds(0.5)).as("3725 s: in the minute from 3720 s").isEqualTo(3_720);
        assertThat(h.percentileSeconds(0.75)).as("a day, an hour and a minute: in the hour from 90000 s").isEqualTo(90_000);
        assertThat(h.percentileSeconds(1.0)).as("beyond 30 days: one bin").isEqualTo(30L * 86_400);
        assertThat(new WaitHistogram().percentileSeconds(0.9)).isNull();
        for (int bin = 0; bin < WaitHistogram.BINS; bin++) {
            assertThat(WaitHistogram.binOf(WaitHistogram.lowerBoundSeconds(bin))).isEqualTo(bin);
        }
    }

    @Test
    void groupsBeyondTheLimitAreSummedAsOther() {
        for (int i = 0; i < 10; i++) {
            Instant created = T0.plusSeconds(i);
            // Campaigns a (4), b (3), c (1), d (1), e (1), in order of arrival.
            String campaign = i < 4 ? "a" : i < 7 ? "b" : String.valueOf((char) ('c' + i - 7));
            conversations.add(conversation("c" + i, "sales", 30, ConversationStatus.QUEUED, created, null,
                    "round-robin", campaign));
        }

        KpiReport report = reports(3).kpis(T0, T0.plusSeconds(60), ReportDimension.CAMPAIGN);

        assertThat(report.groupsCapped()).isTrue();
        assertThat(report.groups()).extracting(KpiRow::group, KpiRow::conversations).containsExactly(
                org.assertj.core.groups.Tuple.tuple("a", 4L), org.assertj.core.groups.Tuple.tuple("b", 3L),
                org.assertj.core.groups.Tuple.tuple(Reports.OTHER, 2L), org.assertj.core.groups.Tuple.tuple("c", 1L));
        assertThat(report.total().conversations()).isEqualTo(10);
        assertThat(report.total().waiting()).isEqualTo(10);
    }

    @Test
    void eventsCountOverflowAmongRelaxationsAndRebalancerMovesWithinTheRangeOnly() {
        Instant in = T0.plusSeconds(100);
        decisions.add(decision(DecisionKind.RELAXED, in, "vip-desk", null,
                "borrowing agents of after-sales (healthy) after 45 s"));
        decisions.add(decision(DecisionKind.RELAXED, in, "vip-desk", null, "lowered refund to level 2 after 60 s"));
        decisions.add(decision(DecisionKind.REBALANCED, in, "after-sales", "agent-2", "rebalanced (score 0hard/-3soft)"));
        decisions.add(decision(DecisionKind.REJECTED, in, "sales", "agent-3", "agent agent-3 rejected the offer"));
        decisions.add(decision(DecisionKind.ROUTED, in, "sales", "agent-3", "not an event"));
        decisions.add(decision(DecisionKind.REJECTED, T0.plusSeconds(3_600), "sales", "agent-3", "after the range"));

        KpiReport byQueue = reports(1000).kpis(T0, T0.plusSeconds(3_600), ReportDimension.QUEUE);

        KpiRow.Events total = byQueue.total().events();
        assertThat(total).isEqualTo(new KpiRow.Events(1, 0, 0, 2, 1, 1, 0));
        assertThat(byQueue.groups()).extracting(KpiRow::group)
                .containsExactlyInAnyOrder("vip-desk", "after-sales", "sales");
        KpiRow vip = byQueue.groups().stream().filter(r -> r.group().equals("vip-desk")).findFirst().orElseThrow();
        assertThat(vip.events()).isEqualTo(new KpiRow.Events(0, 0, 0, 2, 1, 0, 0));
        assertThat(vip.conversations()).isZero();
        assertThat(vip.averageWaitSeconds()).isNull();
        KpiReport byAgent = reports(1000).kpis(T0, T0.plusSeconds(3_600), ReportDimension.AGENT);
        assertThat(byAgent.groups()).extracting(KpiRow::group)
                .containsExactlyInAnyOrder(ReportDimension.MISSING, "agent-2", "agent-3");
        assertThat(reports(1000).kpis(T0, T0.plusSeconds(3_600), ReportDimension.STRATEGY).groups())
                .extracting(KpiRow::group).containsExactly("best-skill");
    }

    @Test
    void withoutATargetInThePlanTheQueueTargetCountsAndOnlyQueueLeaversAreAbandoned() {
        // after-sales targets 90 s in the workbench; these plans set none.
        conversations.add(conversation("fast", "after-sales", 0, ConversationStatus.CLOSED, T0, T0.plusSeconds(90),
                "best-skill", null));
        conversations.add(conversation("slow", "after-sales", 0, ConversationStatus.ASSIGNED, T0, T0.plusSeconds(91),
                "best-skill", null));
        conversations.add(conversation("left", "after-sales", 0, ConversationStatus.ABANDONED, T0, null,
                "best-skill", null));
        // Left the bot: it never joined an agents' queue (no strategy recorded).
        conversations.add(conversation("bot", "after-sales", 0, ConversationStatus.ABANDONED, T0, null, null, null));
        conversations.add(conversation("parked", "after-sales", 0, ConversationStatus.CALLBACK, T0, null, null, null));

        KpiRow total = reports(1000).kpis(T0, T0.plusSeconds(1), ReportDimension.NONE).total();

        assertThat(total.conversations()).isEqualTo(5);
        assertThat(total.answered()).isEqualTo(2);
        assertThat(total.answeredWithinSla()).isEqualTo(1);
        assertThat(total.abandoned()).isEqualTo(1);
        assertThat(total.parked()).isEqualTo(1);
        assertThat(total.serviceLevel()).isEqualTo(0.3333);
        assertThat(total.abandonmentRate()).isEqualTo(0.3333);
        assertThat(total.averageWaitSeconds()).isEqualTo(90.5);
        assertThat(total.p90WaitSeconds()).isEqualTo(91);
        assertThat(total.closed()).isEqualTo(1);
        assertThat(total.resolutionRate()).isEqualTo(1.0);
        assertThat(total.averageHandleSeconds()).isEqualTo(3_000_000 - 90.0);
    }

    @Test
    void theRangeIsCheckedAndDefaultsToTheLastDay() {
        Reports r = reports(1000);
        KpiReport lastDay = r.kpis((String) null, null, null);
        assertThat(lastDay.to()).isEqualTo(CLOCK.instant());
        assertThat(lastDay.from()).isEqualTo(CLOCK.instant().minus(Reports.DEFAULT_RANGE));
        assertThat(lastDay.by()).isEqualTo("none");
        assertThat(r.kpis("2026-11-11T08:00:00+08:00", "2026-11-11T09:00:00 08:00", "queue").from()).isEqualTo(T0);
        assertThatThrownBy(() -> r.kpis("2026-11-11T00:00:00Z", "2027-02-11T00:00:01Z", null))
                .isInstanceOf(InvalidInputException.class).hasMessageContaining("from: the range")
                .hasMessageContaining("92 days");
        assertThatThrownBy(() -> r.kpis("2026-11-11", null, "queues"))
                .isInstanceOfSatisfying(InvalidInputException.class, e -> assertThat(e.errors())
                        .extracting(io.convrouter.errors.FieldError::field).containsExactly("from", "by"));
    }

    @Test
    void csvQuotesWhatNeedsItAndDefusesFormulas() {
        assertThat(ReportCsv.cell("a,b")).isEqualTo("\"a,b\"");
        assertThat(ReportCsv.cell("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(ReportCsv.cell("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(ReportCsv.cell("+86 campaign")).isEqualTo("'+86 campaign");
        assertThat(ReportCsv.cell(null)).isEmpty();
        assertThat(ReportCsv.cell(0.25)).isEqualTo("0.25");
        assertThat(ReportCsv.cell(12.0)).isEqualTo("12");
        assertThat(ReportCsv.cell(1.0E7)).isEqualTo("10000000");
        assertThat(ReportCsv.cell(-3L)).isEqualTo("-3");
    }
}
