package io.convrouter.reports;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;

import io.convrouter.audit.Candidate;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.Classification;
import io.convrouter.classify.FiredRule;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.Outcome;
import io.convrouter.store.mongo.MongoConversationStore;
import io.convrouter.store.mongo.MongoDecisionLog;
import io.convrouter.store.mongo.MongoReportSource;

/**
 * What reports read from MongoDB, run against every MongoDB the server can use (the embedded
 * server's memory and file backends, a real MongoDB where Docker is available). Each operation
 * {@link MongoReportSource} sends is exercised here: a {@code $gte}/{@code $lt} range on a date,
 * {@code $in} on the decision kind, an inclusion projection down to nested fields
 * ({@code input.conversation.channel}), and a cursor read in several batches (more than 1,000
 * documents). Records are written through the stores the server uses, so the fields read are the
 * fields written.
 */
abstract class ReportSourceContract {
    static final Instant T0 = Instant.parse("2026-10-01T00:00:00Z");
    static final String[] QUEUES = {"after-sales", "sales", "general"};
    static final String[] CHANNELS = {"web", "wechat", "app", "live_stream"};
    static final ConversationStatus[] STATUSES = ConversationStatus.values();
    static final DecisionKind[] KINDS = DecisionKind.values();

    protected abstract MongoClient client();

    private MongoDatabase db;
    private MongoConversationStore conversations;
    private MongoDecisionLog decisions;
    private MongoReportSource source;

    @BeforeEach
    void freshDatabase() {
        db = client().getDatabase("reports_" + UUID.randomUUID().toString().replace("-", "").substring(0, 16));
        conversations = new MongoConversationStore(db);
        decisions = new MongoDecisionLog(db);
        source = new MongoReportSource(db);
    }

    /** Conversation i, created i seconds after T0 (negative: before), every field reports read filled and varied. */
    static ConversationRecord conversation(int i) {
        Instant created = T0.plusSeconds(i);
        ConversationStatus status = STATUSES[Math.floorMod(i, STATUSES.length)];
        boolean answered = status == ConversationStatus.ASSIGNED || status == ConversationStatus.CLOSED;
        String queue = QUEUES[Math.floorMod(i, QUEUES.length)];
        Classification.Plan plan = new Classification.Plan(i % 5 == 0 ? null : "intent-" + Math.floorMod(i, 7), queue,
                Map.of("refund", 2), "zh", null, 40, i % 4 == 0 ? 0 : 30 + Math.floorMod(i, 60), false, null);
        Instant queuedAt = created.plusMillis(Math.floorMod(i, 13) * 1_000L + 17);
        Instant assignedAt = answered ? queuedAt.plusMillis(Math.floorMod(i * 7919, 600_000)) : null;
        ConversationRecord.Progress progress = new ConversationRecord.Progress(queuedAt, null, null, assignedAt,
                answered && i % 3 != 0 ? assignedAt.plusSeconds(5) : null, i % 6 == 0 ? Set.of("agent-x") : Set.of(),
                Math.floorMod(i, 4));
        return new ConversationRecord("c" + i, CHANNELS[Math.floorMod(i, CHANNELS.length)], "ext-" + i,
                "text nobody reports on " + i, "zh",
                new ConversationRecord.CustomerInfo("cust-" + i, "vip", true, null, 3, Set.of("tag")),
                new ConversationRecord.EntryInfo(i % 3 == 0 ? null : "camp-" + Math.floorMod(i, 11),
                        i % 2 == 0 ? "/p/" + Math.floorMod(i, 5) : null, "retail"),
                Map.of("orderId", "o-" + i), plan, "v" + Math.floorMod(i, 2), status,
                answered ? "agent-" + Math.floorMod(i, 9) : null, "d" + i, created, assignedAt,
                status.isFinal() ? created.plusSeconds(900) : null,
                status == ConversationStatus.CLOSED ? Outcome.values()[Math.floorMod(i, 3)] : null,
                status == ConversationStatus.CLOSED && i % 2 == 0 ? 1 + Math.floorMod(i, 5) : null,
                i % 4 == 1 ? "exp-1" : null, i % 4 == 1 ? (i % 8 == 1 ? "variant" : "control") : null, progress,
                status.isParked() || status == ConversationStatus.DROPPED ? null : "strategy-" + Math.floorMod(i, 3));
    }

    /** Decision i, made i seconds after T0, of every kind in turn, with inputs reports read and inputs they do not. */
    static DecisionRecord decision(int i) {
        DecisionKind kind = KINDS[Math.floorMod(i, KINDS.length)];
        Map<String, Object> input = new LinkedHashMap<>();
        input.put("conversation", new LinkedHashMap<>(Map.of("channel", CHANNELS[Math.floorMod(i, CHANNELS.length)],
                "text", "not read by reports " + i)));
        input.put("customer", Map.of("id", "cust-" + i, "tier", "vip"));
        if (i % 3 != 0) {
            input.put("entry", Map.of("campaign", "camp-" + Math.floorMod(i, 11), "landingPage", "/p/" + Math.floorMod(i, 5)));
        }
        if (i % 2 == 0) {
            input.put("dispatch", Map.of("strategy", "strategy-" + Math.floorMod(i, 3)));
        }
        if (i % 4 == 1) {
            input.put("experiment", Map.of("id", "exp-1", "variant", i % 8 == 1 ? "variant" : "control"));
        }
        List<FiredRule> fired = i % 5 == 0 ? List.of() : List.of(
                new FiredRule("rule " + Math.floorMod(i, 6), "intent", "routing.drl.xlsx", "Intents", 3 + Math.floorMod(i, 6), null),
                new FiredRule("guard " + Math.floorMod(i, 2), "guard", "guards.drl", null, null, 10 + Math.floorMod(i, 2)));
        Classification.Plan plan = new Classification.Plan("intent-" + Math.floorMod(i, 7),
                QUEUES[Math.floorMod(i, QUEUES.length)], Map.of(), "zh", null, 40, 90, false, null);
        return new DecisionRecord("d" + i, kind, T0.plusSeconds(i).plusMillis(250), "c" + i, "v1", input, fired, plan,
                List.of(new Candidate("agent-1", true, List.of(), Map.of("total", 1.5), 1)),
                i % 3 == 0 ? null : "agent-" + Math.floorMod(i, 9), kind.wireName(),
                i % 10 == 0 ? "borrowing agents of sales after 45 s" : "reason " + i, 1234);
    }

    /** What reports read of a conversation: every field a KPI group or figure uses. */
    static List<Object> readByReports(ConversationRecord c) {
        ConversationRecord.Progress p = c.progress();
        return Arrays.asList(c.id(), c.channel(), c.entry() == null ? null : c.entry().campaign(),
                c.entry() == null ? null : c.entry().landingPage(), c.plan().queue(), c.plan().intent(),
                c.plan().slaSeconds(), c.status(), c.agentId(), c.createdAt(), c.assignedAt(), c.endedAt(), c.outcome(),
                c.satisfaction(), c.experimentId(), c.variant(), c.strategy(), p.queuedAt(), p.firstReplyAt(),
                p.reroutes());
    }

    /** What reports read of a decision. */
    static List<Object> readByReports(DecisionRecord d) {
        Map<String, Object> in = d.input();
        return Arrays.asList(d.id(), d.kind(), d.at(), d.plan().queue(), d.plan().intent(), d.chosenAgentId(),
                d.reason(), d.rulesFired(), in.get("entry"), in.get("dispatch"), in.get("experiment"),
                in.get("conversation") instanceof Map<?, ?> m ? m.get("channel") : null);
    }

    @Test
    void conversationsAreReadFromTheStartOfTheRangeToJustBeforeItsEndAcrossManyBatches() {
        List<ConversationRecord> written = new ArrayList<>();
        for (int i = -20; i < 1_520; i++) {
            ConversationRecord c = conversation(i);
            conversations.insertIfAbsent(c);
            written.add(c);
        }
        Instant from = T0;
        Instant to = T0.plusSeconds(1_500);

        Map<String, List<Object>> read = new LinkedHashMap<>();
        List<ConversationRecord> records = new ArrayList<>();
        source.conversationsCreated(from, to, c -> {
            assertThat(read.put(c.id(), readByReports(c))).as("read twice: %s", c.id()).isNull();
            records.add(c);
        });

        Map<String, List<Object>> expected = new LinkedHashMap<>();
        for (ConversationRecord c : written) {
            if (!c.createdAt().isBefore(from) && c.createdAt().isBefore(to)) {
                expected.put(c.id(), readByReports(c));
            }
        }
        assertThat(expected).hasSize(1_500).containsKey("c0").doesNotContainKey("c1500");
        assertThat(read).containsExactlyInAnyOrderEntriesOf(expected);
        // Only what reports read crosses the wire: not the text, the customer or the integration's fields.
        assertThat(records).allSatisfy(c -> {
            assertThat(c.text()).isNull();
            assertThat(c.customer()).isNull();
            assertThat(c.fields()).isEmpty();
        });
    }

    @Test
    void decisionsAreReadByKindAndRangeWithTheInputsReportsGroupBy() {
        List<DecisionRecord> written = new ArrayList<>();
        for (int i = -30; i < 2_430; i++) {
            DecisionRecord d = decision(i);
            decisions.append(d);
            written.add(d);
        }
        Instant from = T0.plusSeconds(1);
        Instant to = T0.plusSeconds(2_401).plusMillis(250); // decision 2401 is made exactly then: left out
        Set<DecisionKind> kinds = EnumSet.copyOf(Reports.MOVES);

        Map<String, List<Object>> read = new LinkedHashMap<>();
        List<DecisionRecord> records = new ArrayList<>();
        source.decisions(from, to, kinds, d -> {
            assertThat(read.put(d.id(), readByReports(d))).as("read twice: %s", d.id()).isNull();
            records.add(d);
        });

        Map<String, List<Object>> expected = new LinkedHashMap<>();
        for (DecisionRecord d : written) {
            if (kinds.contains(d.kind()) && !d.at().isBefore(from) && d.at().isBefore(to)) {
                expected.put(d.id(), readByReports(d));
            }
        }
        assertThat(expected.size()).isGreaterThan(1_000);
        assertThat(read).containsExactlyInAnyOrderEntriesOf(expected);
        assertThat(records).allSatisfy(d -> {
            assertThat(d.candidates()).isEmpty();
            assertThat(d.input()).doesNotContainKey("customer");
            assertThat(((Map<?, ?>) d.input().get("conversation")).keySet()).isEqualTo(Set.of("channel"));
        });

        // Classifications, for the rule report: another set of kinds, the same range.
        List<String> classified = new ArrayList<>();
        source.decisions(from, to, Reports.CLASSIFICATIONS, d -> classified.add(d.id()));
        assertThat(classified).containsExactlyInAnyOrderElementsOf(written.stream()
                .filter(d -> Reports.CLASSIFICATIONS.contains(d.kind()) && !d.at().isBefore(from) && d.at().isBefore(to))
                .map(DecisionRecord::id).toList());
    }

    @Test
    void aReportFromTheDatabaseEqualsTheReportFromTheSameRecordsInMemory() {
        List<ConversationRecord> cs = new ArrayList<>();
        List<DecisionRecord> ds = new ArrayList<>();
        for (int i = -50; i < 1_050; i++) {
            ConversationRecord c = conversation(i);
            conversations.insertIfAbsent(c);
            cs.add(c);
            DecisionRecord d = decision(i);
            decisions.append(d);
            ds.add(d);
        }
        Clock clock = Clock.fixed(T0.plus(Duration.ofDays(1)), ZoneOffset.UTC);
        Reports fromDb = new Reports(source, q -> 60, v -> null, clock, Duration.ofDays(92), 1000);
        Reports fromMemory = new Reports(new RecordsReportSource(() -> cs, () -> ds), q -> 60, v -> null, clock,
                Duration.ofDays(92), 1000);
        Instant from = T0;
        Instant to = T0.plusSeconds(1_000);
        for (ReportDimension by : ReportDimension.values()) {
            KpiReport db = fromDb.kpis(from, to, by);
            KpiReport memory = fromMemory.kpis(from, to, by);
            assertThat(db.groups()).as("by %s", by).containsExactlyInAnyOrderElementsOf(memory.groups());
            assertThat(db.total()).isEqualTo(memory.total());
            assertThat(db.scanned().conversations()).isEqualTo(1_000);
        }
    }
}
