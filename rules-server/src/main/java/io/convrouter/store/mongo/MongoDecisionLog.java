package io.convrouter.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Filters.gte;
import static com.mongodb.client.model.Filters.lt;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

import io.convrouter.audit.Candidate;
import io.convrouter.audit.DecisionKind;
import io.convrouter.audit.DecisionLog;
import io.convrouter.audit.DecisionQuery;
import io.convrouter.audit.DecisionRecord;
import io.convrouter.classify.FiredRule;

/** The decision log in MongoDB, one document per decision, indexed for the auditors' queries. */
public final class MongoDecisionLog implements DecisionLog {
    private final MongoCollection<Document> decisions;
    /**
     * One small document per conversation listing its decision ids: the embedded server answers
     * "a conversation's trail" from _id lookups instead of scanning every decision.
     */
    private final MongoCollection<Document> trails;

    public MongoDecisionLog(MongoDatabase db) {
        this.decisions = db.getCollection("decisions");
        this.trails = db.getCollection("decision_trails");
        decisions.createIndex(Indexes.ascending("conversationId", "at"), new IndexOptions().name("conversation"));
        decisions.createIndex(Indexes.descending("at"), new IndexOptions().name("at"));
        // forEach (exports, replays) reads a range oldest first by (at, _id): with this index real
        // MongoDB streams it in order instead of sorting the whole range in memory (100 MB limit)
        decisions.createIndex(Indexes.ascending("at", "_id"), new IndexOptions().name("at_id"));
        decisions.createIndex(Indexes.ascending("chosenAgentId", "at"), new IndexOptions().name("agent"));
        decisions.createIndex(Indexes.ascending("rulesFired.name", "at"), new IndexOptions().name("rule"));
        decisions.createIndex(Indexes.ascending("plan.queue", "at"), new IndexOptions().name("queue"));
    }

    @Override
    public void append(DecisionRecord d) {
        decisions.insertOne(toDoc(d));
        addToTrail(d);
    }

    private void addToTrail(DecisionRecord d) {
        trails.updateOne(new Document("_id", d.conversationId()), Updates.addToSet("ids", d.id()),
                new com.mongodb.client.model.UpdateOptions().upsert(true));
    }

    @Override
    public void appendIfAbsent(DecisionRecord d) {
        try {
            decisions.insertOne(toDoc(d));
        } catch (com.mongodb.MongoWriteException e) {
            if (e.getError().getCategory() != com.mongodb.ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
        }
        addToTrail(d);
    }

    @Override
    public List<DecisionRecord> forConversation(String conversationId) {
        List<DecisionRecord> result = new ArrayList<>();
        Document trail = trails.find(new Document("_id", conversationId)).first();
        if (trail == null) {
            return result;
        }
        decisions.find(Filters.in("_id", trail.getList("ids", String.class))).sort(Sorts.ascending("at", "_id"))
                .forEach(d -> result.add(fromDoc(d)));
        return result;
    }

    @Override
    public List<DecisionRecord> find(DecisionQuery q) {
        List<DecisionRecord> result = new ArrayList<>();
        long skip = (long) q.page() * q.size();
        if (skip > Integer.MAX_VALUE) {
            return result; // beyond any stored page (and page * size would overflow an int)
        }
        decisions.find(filter(q)).sort(Sorts.descending("at", "_id")).skip((int) skip).limit(q.size())
                .forEach(d -> result.add(fromDoc(d)));
        return result;
    }

    @Override
    public void forEach(DecisionQuery q, java.util.function.Consumer<DecisionRecord> action) {
        decisions.find(filter(q)).sort(Sorts.ascending("at", "_id")).batchSize(1000).forEach(d -> action.accept(fromDoc(d)));
    }

    @Override
    public long count(DecisionQuery q) {
        return decisions.countDocuments(filter(q));
    }

    private static Bson filter(DecisionQuery q) {
        List<Bson> parts = new ArrayList<>();
        if (q.from() != null) parts.add(gte("at", Docs.date(q.from())));
        if (q.to() != null) parts.add(lt("at", Docs.date(q.to())));
        if (q.conversationId() != null) parts.add(eq("conversationId", q.conversationId()));
        if (q.agentId() != null) parts.add(eq("chosenAgentId", q.agentId()));
        if (q.rule() != null) parts.add(eq("rulesFired.name", q.rule()));
        if (q.queue() != null) parts.add(eq("plan.queue", q.queue()));
        return parts.isEmpty() ? Filters.empty() : and(parts);
    }

    static Document toDoc(DecisionRecord d) {
        List<Document> fired = new ArrayList<>();
        for (FiredRule r : d.rulesFired()) {
            fired.add(new Document("name", r.name()).append("stage", r.stage()).append("source", r.source())
                    .append("sheet", r.sheet()).append("row", r.row()).append("line", r.line()));
        }
        List<Document> candidates = new ArrayList<>();
        for (Candidate c : d.candidates()) {
            candidates.add(new Document("agentId", c.agentId()).append("eligible", c.eligible())
                    .append("excludedBecause", c.excludedBecause())
                    .append("score", Docs.bson(c.score())).append("rank", c.rank()));
        }
        return new Document("_id", d.id())
                .append("kind", d.kind().wireName())
                .append("at", Docs.date(d.at()))
                .append("conversationId", d.conversationId())
                .append("rulesetVersion", d.rulesetVersion())
                .append("input", Docs.bson(d.input()))
                .append("rulesFired", fired)
                .append("plan", PlanDocs.toDoc(d.plan()))
                .append("candidates", candidates)
                .append("chosenAgentId", d.chosenAgentId())
                .append("outcome", d.outcome())
                .append("reason", d.reason())
                .append("durationMicros", d.durationMicros());
    }

    @SuppressWarnings("unchecked")
    static DecisionRecord fromDoc(Document d) {
        List<FiredRule> fired = new ArrayList<>();
        for (Document r : d.getList("rulesFired", Document.class, List.of())) {
            fired.add(new FiredRule(r.getString("name"), r.getString("stage"), r.getString("source"),
                    r.getString("sheet"), Docs.integer(r, "row"), Docs.integer(r, "line")));
        }
        List<Candidate> candidates = new ArrayList<>();
        for (Document c : d.getList("candidates", Document.class, List.of())) {
            candidates.add(new Candidate(c.getString("agentId"), c.getBoolean("eligible", false),
                    Docs.stringList(c, "excludedBecause"), (Map<String, Object>) Docs.plain(c.get("score")),
                    Docs.integer(c, "rank")));
        }
        Number micros = d.get("durationMicros", Number.class);
        return new DecisionRecord(d.getString("_id"),
                DecisionKind.valueOf(d.getString("kind").toUpperCase(Locale.ROOT)), Docs.instant(d, "at"),
                d.getString("conversationId"), d.getString("rulesetVersion"),
                (Map<String, Object>) Docs.plain(d.get("input")), fired, PlanDocs.fromDoc(d.get("plan", Document.class)),
                candidates, d.getString("chosenAgentId"), d.getString("outcome"), d.getString("reason"),
                micros == null ? 0 : micros.longValue());
    }
}
