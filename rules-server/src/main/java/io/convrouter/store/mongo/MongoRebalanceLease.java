package io.convrouter.store.mongo;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

import org.bson.Document;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Updates;

import io.convrouter.rebalance.RebalanceLease;

/**
 * The rebalancer's lease in MongoDB: one document naming its holder and when it lapses. Taking it
 * over is a compare-and-set on the holder and expiry that were read, so two instances can never
 * both believe they hold it.
 */
public final class MongoRebalanceLease implements RebalanceLease {
    private static final String ID = "rebalancer";
    private final MongoCollection<Document> leases;

    public MongoRebalanceLease(MongoDatabase db) {
        this.leases = db.getCollection("leases");
    }

    @Override
    public boolean acquire(String holder, Instant now, Duration ttl) {
        Document current = leases.find(new Document("_id", ID)).first();
        Instant until = now.plus(ttl);
        if (current == null) {
            try {
                leases.insertOne(new Document("_id", ID).append("holder", holder).append("until", Docs.date(until)));
                return true;
            } catch (MongoWriteException e) {
                if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                    return false;
                }
                throw e;
            }
        }
        Instant currentUntil = Docs.instant(current, "until");
        boolean mine = Objects.equals(holder, current.getString("holder"));
        if (!mine && currentUntil != null && currentUntil.isAfter(now)) {
            return false;
        }
        Document expected = new Document("_id", ID).append("holder", current.getString("holder"))
                .append("until", current.getDate("until"));
        // Matched, not modified: a holder renewing at the instant it last renewed writes the same
        // values, which the server counts as not modified, yet the compare-and-set succeeded.
        return leases.updateOne(expected, Updates.combine(Updates.set("holder", holder),
                Updates.set("until", Docs.date(until)))).getMatchedCount() == 1;
    }
}
