package io.convrouter.store.mongo;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import org.bson.Document;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;

import io.convrouter.classify.facts.CustomerHistory;
import io.convrouter.conversation.CustomerHistoryStore;

/**
 * Customers' recent conversations in MongoDB: one document per customer, its conversations keyed
 * by id (so a close updates its entry in place), trimmed to the newest {@value #KEPT}.
 */
public final class MongoCustomerHistoryStore implements CustomerHistoryStore {
    private final MongoCollection<Document> history;

    public MongoCustomerHistoryStore(MongoDatabase db) {
        this.history = db.getCollection("customer_history");
    }

    @Override
    public List<CustomerHistory.Past> recent(String customerId) {
        Document d = history.find(new Document("_id", customerId)).first();
        List<CustomerHistory.Past> result = new ArrayList<>();
        if (d == null) {
            return result;
        }
        Document entries = d.get("entries", Document.class);
        if (entries != null) {
            entries.forEach((id, v) -> {
                Document e = (Document) v;
                // Keys cannot hold dots; the entry keeps the real id.
                String conversationId = e.getString("id") != null ? e.getString("id") : id;
                result.add(new CustomerHistory.Past(conversationId, Docs.instant(e, "at"), e.getString("intent"), e.getString("queue"),
                        e.getString("agentId"), e.getString("outcome"), Docs.integer(e, "satisfaction")));
            });
        }
        result.sort(Comparator.comparing(CustomerHistory.Past::at).reversed());
        if (result.size() > KEPT) {
            // Trimmed when read (each intake reads first), so recording stays one write.
            List<org.bson.conversions.Bson> drop = new ArrayList<>();
            for (CustomerHistory.Past old : result.subList(KEPT, result.size())) {
                drop.add(Updates.unset("entries." + old.conversationId().replace('.', '_')));
            }
            history.updateOne(new Document("_id", customerId), Updates.combine(drop));
            return new ArrayList<>(result.subList(0, KEPT));
        }
        return result;
    }

    @Override
    public void record(String customerId, CustomerHistory.Past p) {
        String key = "entries." + p.conversationId().replace('.', '_');
        history.updateOne(new Document("_id", customerId), Updates.combine(
                Updates.set(key + ".id", p.conversationId()), Updates.set(key + ".at", Docs.date(p.at())), Updates.set(key + ".intent", p.intent()),
                Updates.set(key + ".queue", p.queue()), Updates.set(key + ".agentId", p.agentId()),
                Updates.set(key + ".outcome", p.outcome()), Updates.set(key + ".satisfaction", p.satisfaction())),
                new UpdateOptions().upsert(true));
    }
}
