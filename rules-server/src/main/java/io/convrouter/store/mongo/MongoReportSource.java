package io.convrouter.store.mongo;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.function.Consumer;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Projections;

import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.reports.ReportSource;

/**
 * Reports' reads in MongoDB: one cursor over a time range of the conversations (index "created")
 * or the decisions (index "at"), unsorted, with only the fields reports use, in batches. Plain
 * range filters and inclusion projections, which the embedded server answers too (by a scan).
 */
public final class MongoReportSource implements ReportSource {
    private static final int BATCH = 1000;
    private static final Bson CONVERSATION_FIELDS = Projections.include("channel", "externalId", "entry", "plan",
            "rulesetVersion", "status", "agentId", "createdAt", "assignedAt", "endedAt", "outcome", "satisfaction",
            "experimentId", "variant", "progress", "strategy");
    private static final Bson DECISION_FIELDS = Projections.include("kind", "at", "conversationId", "rulesetVersion",
            "rulesFired", "plan", "chosenAgentId", "outcome", "reason", "input.conversation.channel", "input.entry",
            "input.dispatch", "input.experiment");

    private final MongoCollection<Document> conversations;
    private final MongoCollection<Document> decisions;

    public MongoReportSource(MongoDatabase db) {
        this.conversations = db.getCollection("conversations");
        this.decisions = db.getCollection("decisions");
    }

    @Override
    public void conversationsCreated(Instant from, Instant to, Consumer<ConversationRecord> each) {
        conversations.find(new Document("createdAt", range(from, to))).projection(CONVERSATION_FIELDS).batchSize(BATCH)
                .forEach(d -> each.accept(MongoConversationStore.fromDoc(d)));
    }

    @Override
    public void decisions(Instant from, Instant to, Set<DecisionKind> kinds, Consumer<DecisionRecord> each) {
        List<String> names = kinds.stream().map(DecisionKind::wireName).toList();
        decisions.find(new Document("at", range(from, to)).append("kind", new Document("$in", names)))
                .projection(DECISION_FIELDS).batchSize(BATCH).forEach(d -> each.accept(MongoDecisionLog.fromDoc(d)));
    }

    private static Document range(Instant from, Instant to) {
        return new Document("$gte", Docs.date(from)).append("$lt", Docs.date(to));
    }
}
