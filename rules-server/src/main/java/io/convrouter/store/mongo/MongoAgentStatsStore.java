package io.convrouter.store.mongo;

import java.util.function.Consumer;

import org.bson.Document;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;

import io.convrouter.conversation.AgentStatsStore;

/** Agents' outcomes per intent in MongoDB: one document per agent and intent, counted with $inc. */
public final class MongoAgentStatsStore implements AgentStatsStore {
    private final MongoCollection<Document> stats;

    public MongoAgentStatsStore(MongoDatabase db) {
        this.stats = db.getCollection("agent_stats");
    }

    @Override
    public void record(String agentId, String intent, boolean resolved, Integer satisfaction) {
        String key = agentId + "|" + (intent == null ? "" : intent);
        stats.updateOne(new Document("_id", key), Updates.combine(
                Updates.setOnInsert("agentId", agentId), Updates.setOnInsert("intent", intent),
                Updates.inc("closed", 1), Updates.inc("resolved", resolved ? 1 : 0),
                Updates.inc("satisfactionSum", satisfaction == null ? 0 : satisfaction),
                Updates.inc("satisfactionCount", satisfaction == null ? 0 : 1)), new UpdateOptions().upsert(true));
    }

    @Override
    public void forEach(Consumer<Row> action) {
        stats.find().forEach(d -> action.accept(new Row(d.getString("agentId"), d.getString("intent"), count(d, "closed"),
                count(d, "resolved"), count(d, "satisfactionSum"), count(d, "satisfactionCount"))));
    }

    private static long count(Document d, String key) {
        Number n = d.get(key, Number.class);
        return n == null ? 0 : n.longValue();
    }
}
