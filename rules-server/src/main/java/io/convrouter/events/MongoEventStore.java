package io.convrouter.events;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;

/**
 * The event outbox in MongoDB.
 *
 * <ul>
 * <li>{@code event_sequences}: one document per stream, {@code {_id: stream, seq}}: the last sequence
 *     number handed out. Never reset, so event ids are never reused.</li>
 * <li>{@code event_outbox}: one document per event not yet delivered everywhere, {@code _id} =
 *     {@code <stream>-<seq>} (the event id receivers see), with the event, {@code storedAt}, and per
 *     endpoint name its delivery state ({@code deliveries.<name>: {state, attempts, nextAttemptAt,
 *     lastAttemptAt, lastError}}); {@code failedHooks} lists the endpoints it is parked for. An event
 *     delivered to every endpoint is deleted.</li>
 * <li>{@code event_leases}: one document naming the instance that delivers.</li>
 * <li>{@code event_signals}: ids of events stored by instances that do not deliver, until the
 *     delivering instance has read them (normally empty).</li>
 * </ul>
 *
 * <p>Publishing is an {@code _id} upsert on the sequence and an insert by {@code _id}; delivery updates
 * and deletes by {@code _id}. Only an instance that starts delivering (and the optional periodic
 * rescan) and the operators' list of failed events read the whole outbox, which deleting delivered
 * events and {@code max-stored} keep small.
 */
public final class MongoEventStore {
    public static final String OUTBOX = "event_outbox";
    public static final String SEQUENCES = "event_sequences";
    public static final String LEASES = "event_leases";
    public static final String SIGNALS = "event_signals";
    static final String LEASE_ID = "webhook-delivery";

    private static final FindOneAndUpdateOptions UPSERT_AFTER =
            new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER);

    private final MongoCollection<Document> outbox;
    private final MongoCollection<Document> sequences;
    private final MongoCollection<Document> leases;
    private final MongoCollection<Document> signals;

    /** An outbox document: the event and where it stands with each endpoint. */
    public record OutboxRecord(StoredEvent event, Map<String, DeliveryState> deliveries, List<String> failedHooks) {}

    public MongoEventStore(MongoDatabase db) {
        this.outbox = db.getCollection(OUTBOX);
        this.sequences = db.getCollection(SEQUENCES);
        this.leases = db.getCollection(LEASES);
        this.signals = db.getCollection(SIGNALS);
        // For real MongoDB (the embedded server ignores non-unique indexes): the start-up read in
        // storedAt order and the operators' list of parked events.
        outbox.createIndex(Indexes.ascending("storedAt", "stream", "seq"), new IndexOptions().name("stored_at"));
        outbox.createIndex(Indexes.ascending("failedHooks"), new IndexOptions().name("failed_hooks").sparse(true));
    }

    /** The next sequence number of a stream (1, 2, ...), atomically, also across instances. */
    public long nextSequence(String stream) {
        Document d = sequences.findOneAndUpdate(new Document("_id", stream), Updates.inc("seq", 1L), UPSERT_AFTER);
        return ((Number) d.get("seq")).longValue();
    }

    public void insert(StoredEvent e) {
        outbox.insertOne(toDoc(e));
    }

    /** Every stored event, oldest first (and in sequence order within a stream). */
    public void forEach(Consumer<OutboxRecord> action) {
        outbox.find().sort(Sorts.ascending("storedAt", "stream", "seq")).batchSize(1000).forEach(d -> action.accept(fromDoc(d)));
    }

    public Optional<OutboxRecord> find(String id) {
        return Optional.ofNullable(outbox.find(new Document("_id", id)).first()).map(MongoEventStore::fromDoc);
    }

    /** The stored events among these ids (missing ones are left out), oldest first. */
    public List<OutboxRecord> find(List<String> ids) {
        List<OutboxRecord> result = new ArrayList<>();
        if (!ids.isEmpty()) {
            outbox.find(new Document("_id", new Document("$in", ids))).forEach(d -> result.add(fromDoc(d)));
            result.sort(java.util.Comparator.comparing((OutboxRecord r) -> r.event().storedAt())
                    .thenComparing(r -> r.event().stream()).thenComparingLong(r -> r.event().seq()));
        }
        return result;
    }

    /** Tells the delivering instance about events this instance stored. */
    public void signal(List<String> ids) {
        if (ids.isEmpty()) {
            return;
        }
        List<Document> docs = new ArrayList<>(ids.size());
        for (String id : ids) {
            docs.add(new Document("_id", id));
        }
        try {
            signals.insertMany(docs, new com.mongodb.client.model.InsertManyOptions().ordered(false));
        } catch (com.mongodb.MongoBulkWriteException e) {
            for (var error : e.getWriteErrors()) {
                if (ErrorCategory.fromErrorCode(error.getCode()) != ErrorCategory.DUPLICATE_KEY) {
                    throw e;
                }
            }
        }
    }

    /** Up to {@code limit} signalled event ids. */
    public List<String> signals(int limit) {
        List<String> ids = new ArrayList<>();
        signals.find().limit(limit).forEach(d -> ids.add(d.getString("_id")));
        return ids;
    }

    public void clearSignals(List<String> ids) {
        if (!ids.isEmpty()) {
            signals.deleteMany(new Document("_id", new Document("$in", ids)));
        }
    }

    /** Records where an event stands with one endpoint. */
    public void saveDelivery(String id, String hook, DeliveryState s) {
        Bson failed = s.state() == DeliveryState.State.FAILED ? Updates.addToSet("failedHooks", hook)
                : Updates.pull("failedHooks", hook);
        outbox.updateOne(new Document("_id", id), Updates.combine(Updates.set("deliveries." + hook, toDoc(s)), failed));
    }

    public boolean delete(String id) {
        return outbox.deleteOne(new Document("_id", id)).getDeletedCount() > 0;
    }

    /** Events parked for at least one endpoint, newest first. */
    public List<OutboxRecord> failed(int limit) {
        List<OutboxRecord> result = new ArrayList<>();
        outbox.find(failedFilter()).sort(Sorts.descending("storedAt", "_id")).limit(limit)
                .forEach(d -> result.add(fromDoc(d)));
        return result;
    }

    public long failedCount() {
        return outbox.countDocuments(failedFilter());
    }

    /** Events in the outbox (pending and parked), as MongoDB estimates it cheaply. */
    public long size() {
        return outbox.estimatedDocumentCount();
    }

    /**
     * Puts a parked event back in line for the endpoints it failed at, with fresh attempts. Returns
     * false when there is no such event or it is not parked.
     */
    public boolean retry(String id) {
        Optional<OutboxRecord> r = find(id);
        if (r.isEmpty() || r.get().failedHooks().isEmpty()) {
            return false;
        }
        List<Bson> updates = new ArrayList<>();
        for (String hook : r.get().failedHooks()) {
            updates.add(Updates.set("deliveries." + hook, toDoc(DeliveryState.NEW)));
        }
        updates.add(Updates.set("failedHooks", List.of()));
        outbox.updateOne(new Document("_id", id), Updates.combine(updates));
        return true;
    }

    /**
     * Claims (or renews) the right to deliver until {@code until}. True when this owner holds it:
     * it held it already, the previous holder's claim lapsed before {@code now}, or nobody held it.
     */
    public boolean acquireLease(String owner, Instant now, Instant until) {
        return acquireLease(owner, now, until, false);
    }

    /** As above; {@code force} takes the claim even from a holder whose claim has not lapsed. */
    public boolean acquireLease(String owner, Instant now, Instant until, boolean force) {
        if (force) {
            leases.updateOne(new Document("_id", LEASE_ID), Updates.combine(Updates.set("owner", owner),
                    Updates.set("until", Date.from(until))), new com.mongodb.client.model.UpdateOptions().upsert(true));
            return true;
        }
        Document mine = new Document("_id", LEASE_ID).append("owner", owner);
        if (leases.findOneAndUpdate(mine, Updates.set("until", Date.from(until))) != null) {
            return true;
        }
        Document lapsed = new Document("_id", LEASE_ID).append("until", new Document("$lte", Date.from(now)));
        if (leases.findOneAndUpdate(lapsed, Updates.combine(Updates.set("owner", owner),
                Updates.set("until", Date.from(until)))) != null) {
            return true;
        }
        try {
            leases.insertOne(new Document("_id", LEASE_ID).append("owner", owner).append("until", Date.from(until)));
            return true;
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() == ErrorCategory.DUPLICATE_KEY) {
                return false;
            }
            throw e;
        }
    }

    public void releaseLease(String owner) {
        leases.deleteOne(new Document("_id", LEASE_ID).append("owner", owner));
    }

    /** Who delivers and until when, or empty. */
    public Optional<Map<String, Object>> lease() {
        Document d = leases.find(new Document("_id", LEASE_ID)).first();
        if (d == null) {
            return Optional.empty();
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("owner", d.getString("owner"));
        Date until = d.getDate("until");
        m.put("until", until == null ? null : until.toInstant());
        return Optional.of(m);
    }

    private static Document failedFilter() {
        return new Document("failedHooks.0", new Document("$exists", true));
    }

    static Document toDoc(StoredEvent e) {
        return new Document("_id", e.id())
                .append("stream", e.stream())
                .append("seq", e.seq())
                .append("type", e.type())
                .append("conversationId", e.conversationId())
                .append("agentId", e.agentId())
                // as text: exactly the instant the core reported (a BSON date keeps milliseconds only)
                .append("at", e.at().toString())
                .append("data", new Document(e.data()))
                .append("storedAt", Date.from(e.storedAt()))
                .append("deliveries", new Document())
                .append("failedHooks", List.of());
    }

    @SuppressWarnings("unchecked")
    static OutboxRecord fromDoc(Document d) {
        Object data = StoredEvent.plain(d.get("data"));
        StoredEvent e = new StoredEvent(d.getString("_id"), d.getString("stream"), ((Number) d.get("seq")).longValue(),
                d.getString("type"), d.getString("conversationId"), d.getString("agentId"),
                Instant.parse(d.getString("at")), data instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of(),
                d.getDate("storedAt").toInstant());
        Map<String, DeliveryState> deliveries = new LinkedHashMap<>();
        Document ds = d.get("deliveries", Document.class);
        if (ds != null) {
            ds.forEach((hook, v) -> {
                if (v instanceof Document s) {
                    deliveries.put(hook, fromStateDoc(s));
                }
            });
        }
        List<String> failed = d.getList("failedHooks", String.class);
        return new OutboxRecord(e, deliveries, failed == null ? List.of() : List.copyOf(failed));
    }

    private static Document toDoc(DeliveryState s) {
        return new Document("state", s.state().wireName())
                .append("attempts", s.attempts())
                .append("nextAttemptAt", s.nextAttemptAt() == null ? null : Date.from(s.nextAttemptAt()))
                .append("lastAttemptAt", s.lastAttemptAt() == null ? null : Date.from(s.lastAttemptAt()))
                .append("lastError", s.lastError());
    }

    private static DeliveryState fromStateDoc(Document s) {
        Date next = s.getDate("nextAttemptAt");
        Date last = s.getDate("lastAttemptAt");
        Number attempts = s.get("attempts", Number.class);
        return new DeliveryState(DeliveryState.State.of(s.getString("state")), attempts == null ? 0 : attempts.intValue(),
                next == null ? null : next.toInstant(), last == null ? null : last.toInstant(), s.getString("lastError"));
    }
}
