package io.convrouter.store.mongo;

import static com.mongodb.client.model.Filters.eq;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import org.bson.Document;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.IndexOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import io.convrouter.classify.Classification;
import io.convrouter.conversation.ConversationRecord;
import io.convrouter.conversation.ConversationStatus;
import io.convrouter.conversation.ConversationStore;
import io.convrouter.conversation.Outcome;

/**
 * Conversations in MongoDB. A unique index on channel + external id makes intake idempotent
 * even when the same message arrives twice at the same moment; status changes are conditional
 * on the status they start from.
 */
public final class MongoConversationStore implements ConversationStore {
    private static final FindOneAndUpdateOptions RETURN_NEW =
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);

    private final MongoCollection<Document> conversations;

    public MongoConversationStore(MongoDatabase db) {
        this.conversations = db.getCollection("conversations");
        conversations.createIndex(Indexes.ascending("dedupeKey"), new IndexOptions().unique(true).name("dedupe"));
        conversations.createIndex(Indexes.ascending("status"), new IndexOptions().name("status"));
        // The embedded server only uses _id and unique indexes, and only when the filter's fields are
        // exactly an index's keys: these make the conditional status changes index lookups there too.
        conversations.createIndex(Indexes.ascending("_id", "status"), new IndexOptions().unique(true).name("id_status"));
        conversations.createIndex(Indexes.ascending("_id", "status", "agentId"),
                new IndexOptions().unique(true).name("id_status_agent"));
        conversations.createIndex(Indexes.ascending("experimentId"), new IndexOptions().name("experiment").sparse(true));
        // Reports read the conversations that arrived in a time range (the embedded server ignores this
        // index and scans; real MongoDB walks only the range).
        conversations.createIndex(Indexes.ascending("createdAt"), new IndexOptions().name("created"));
    }

    /**
     * A flat filter document: the driver's Filters.and renders {$and: [...]}, which the embedded
     * server cannot answer from an index.
     */
    private static Document idAndStatus(String id, ConversationStatus status) {
        return new Document("_id", id).append("status", status.wireName());
    }

    static String dedupeKey(String channel, String externalId) {
        return channel + ":" + externalId;
    }

    @Override
    public Optional<ConversationRecord> insertIfAbsent(ConversationRecord c) {
        try {
            conversations.insertOne(toDoc(c));
            return Optional.empty();
        } catch (MongoWriteException e) {
            if (e.getError().getCategory() != ErrorCategory.DUPLICATE_KEY) {
                throw e;
            }
            return findByExternalId(c.channel(), c.externalId());
        }
    }

    @Override
    public Optional<ConversationRecord> find(String id) {
        return Optional.ofNullable(conversations.find(eq("_id", id)).first()).map(MongoConversationStore::fromDoc);
    }

    @Override
    public Optional<ConversationRecord> findByExternalId(String channel, String externalId) {
        return Optional.ofNullable(conversations.find(eq("dedupeKey", dedupeKey(channel, externalId))).first())
                .map(MongoConversationStore::fromDoc);
    }

    @Override
    public boolean markAssigned(String id, String agentId, Instant at) {
        return conversations.updateOne(idAndStatus(id, ConversationStatus.QUEUED),
                Updates.combine(Updates.set("status", ConversationStatus.ASSIGNED.wireName()),
                        Updates.set("agentId", agentId), Updates.set("assignedAt", Docs.date(at))))
                .getModifiedCount() == 1;
    }

    @Override
    public boolean markOffered(String id, String agentId, Instant at, Instant expiresAt) {
        return conversations.updateOne(idAndStatus(id, ConversationStatus.QUEUED),
                Updates.combine(Updates.set("status", ConversationStatus.OFFERED.wireName()),
                        Updates.set("agentId", agentId), Updates.set("progress.offeredAt", Docs.date(at)),
                        Updates.set("progress.offerExpiresAt", Docs.date(expiresAt))))
                .getModifiedCount() == 1;
    }

    @Override
    public Optional<ConversationRecord> markAccepted(String id, String agentId, Instant at) {
        return Optional.ofNullable(conversations.findOneAndUpdate(
                idAndStatus(id, ConversationStatus.OFFERED).append("agentId", agentId),
                Updates.combine(Updates.set("status", ConversationStatus.ASSIGNED.wireName()),
                        Updates.set("assignedAt", Docs.date(at)), Updates.set("progress.acceptedAt", Docs.date(at)),
                        Updates.set("progress.offerExpiresAt", null)),
                RETURN_NEW)).map(MongoConversationStore::fromDoc);
    }

    @Override
    public Optional<ConversationRecord> markDeclined(String id, ConversationStatus expected, String agentId) {
        return Optional.ofNullable(conversations.findOneAndUpdate(
                idAndStatus(id, expected).append("agentId", agentId),
                Updates.combine(Updates.set("status", ConversationStatus.QUEUED.wireName()), Updates.set("agentId", null),
                        Updates.set("assignedAt", null), Updates.set("progress.offeredAt", null),
                        Updates.set("progress.offerExpiresAt", null), Updates.set("progress.acceptedAt", null),
                        Updates.set("progress.firstReplyAt", null), Updates.addToSet("progress.declinedBy", agentId),
                        Updates.inc("progress.reroutes", 1)),
                RETURN_NEW)).map(MongoConversationStore::fromDoc);
    }

    @Override
    public Optional<ConversationRecord> markOfferRevoked(String id, String agentId) {
        return Optional.ofNullable(conversations.findOneAndUpdate(
                idAndStatus(id, ConversationStatus.OFFERED).append("agentId", agentId),
                Updates.combine(Updates.set("status", ConversationStatus.QUEUED.wireName()), Updates.set("agentId", null),
                        Updates.set("progress.offeredAt", null), Updates.set("progress.offerExpiresAt", null)),
                RETURN_NEW)).map(MongoConversationStore::fromDoc);
    }

    @Override
    public Optional<ConversationRecord> markFirstReply(String id, String agentId, Instant at) {
        Document filter = idAndStatus(id, ConversationStatus.ASSIGNED).append("agentId", agentId);
        Document current = conversations.find(filter).first();
        if (current == null) {
            return Optional.empty();
        }
        Document progress = current.get("progress", Document.class);
        if (progress != null && progress.getDate("firstReplyAt") != null) {
            return Optional.of(fromDoc(current)); // the first reply is recorded once
        }
        return Optional.ofNullable(conversations.findOneAndUpdate(filter,
                Updates.set("progress.firstReplyAt", Docs.date(at)), RETURN_NEW)).map(MongoConversationStore::fromDoc);
    }

    @Override
    public Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected, Classification.Plan plan,
                                                      String rulesetVersion, Instant at) {
        return handOff(id, expected, plan, rulesetVersion, at, List.of());
    }

    @Override
    public Optional<ConversationRecord> markHandedOff(String id, ConversationStatus expected, Classification.Plan plan,
                                                      String rulesetVersion, Instant at, String strategy) {
        return handOff(id, expected, plan, rulesetVersion, at, List.of(Updates.set("strategy", strategy)));
    }

    private Optional<ConversationRecord> handOff(String id, ConversationStatus expected, Classification.Plan plan,
                                                 String rulesetVersion, Instant at, List<org.bson.conversions.Bson> more) {
        List<org.bson.conversions.Bson> updates = new ArrayList<>(List.of(
                Updates.set("status", ConversationStatus.QUEUED.wireName()), Updates.set("plan", PlanDocs.toDoc(plan)),
                Updates.set("rulesetVersion", rulesetVersion), Updates.set("progress.queuedAt", Docs.date(at))));
        updates.addAll(more);
        return Optional.ofNullable(conversations.findOneAndUpdate(idAndStatus(id, expected), Updates.combine(updates),
                RETURN_NEW)).map(MongoConversationStore::fromDoc);
    }

    @Override
    public List<ConversationRecord> findOffered() {
        return findByStatus(ConversationStatus.OFFERED);
    }

    @Override
    public boolean markRequeued(String id, String agentId) {
        return conversations.updateOne(idAndStatus(id, ConversationStatus.ASSIGNED).append("agentId", agentId),
                Updates.combine(Updates.set("status", ConversationStatus.QUEUED.wireName()),
                        Updates.set("agentId", null), Updates.set("assignedAt", null)))
                .getModifiedCount() == 1;
    }

    @Override
    public Optional<ConversationRecord> markEnded(String id, ConversationStatus expected, ConversationStatus finalStatus,
                                                  Instant at, Outcome outcome, Integer satisfaction) {
        return Optional.ofNullable(conversations.findOneAndUpdate(
                idAndStatus(id, expected),
                Updates.combine(Updates.set("status", finalStatus.wireName()), Updates.set("endedAt", Docs.date(at)),
                        Updates.set("outcome", outcome == null ? null : outcome.wireName()),
                        Updates.set("satisfaction", satisfaction)),
                RETURN_NEW)).map(MongoConversationStore::fromDoc);
    }

    /** Every conversation routed inside an experiment, for its report. */
    public List<ConversationRecord> findByExperiment(String experimentId) {
        List<ConversationRecord> result = new ArrayList<>();
        conversations.find(eq("experimentId", experimentId)).forEach(d -> result.add(fromDoc(d)));
        return result;
    }

    @Override
    public List<ConversationRecord> findQueued() {
        return findByStatus(ConversationStatus.QUEUED);
    }

    @Override
    public List<ConversationRecord> findAssigned() {
        return findByStatus(ConversationStatus.ASSIGNED);
    }

    private List<ConversationRecord> findByStatus(ConversationStatus status) {
        List<ConversationRecord> result = new ArrayList<>();
        conversations.find(eq("status", status.wireName())).forEach(d -> result.add(fromDoc(d)));
        return result;
    }

    static Document toDoc(ConversationRecord c) {
        Document customer = null;
        if (c.customer() != null) {
            customer = new Document("id", c.customer().id())
                    .append("tier", c.customer().tier())
                    .append("returning", c.customer().returning())
                    .append("lastAgentId", c.customer().lastAgentId())
                    .append("orderCount", c.customer().orderCount())
                    .append("tags", new ArrayList<>(c.customer().tags()));
        }
        Document entry = null;
        if (c.entry() != null) {
            entry = new Document("campaign", c.entry().campaign())
                    .append("landingPage", c.entry().landingPage())
                    .append("businessLine", c.entry().businessLine());
        }
        return new Document("_id", c.id())
                .append("channel", c.channel())
                .append("externalId", c.externalId())
                .append("dedupeKey", dedupeKey(c.channel(), c.externalId()))
                .append("text", c.text())
                .append("language", c.language())
                .append("customer", customer)
                .append("entry", entry)
                .append("fields", Docs.doc(c.fields()))
                .append("plan", PlanDocs.toDoc(c.plan()))
                .append("rulesetVersion", c.rulesetVersion())
                .append("status", c.status().wireName())
                .append("agentId", c.agentId())
                .append("decisionId", c.decisionId())
                .append("createdAt", Docs.date(c.createdAt()))
                .append("assignedAt", Docs.date(c.assignedAt()))
                .append("endedAt", Docs.date(c.endedAt()))
                .append("outcome", c.outcome() == null ? null : c.outcome().wireName())
                .append("satisfaction", c.satisfaction())
                .append("experimentId", c.experimentId())
                .append("variant", c.variant())
                .append("progress", progressDoc(c.progress()))
                .append("strategy", c.strategy());
    }

    private static Document progressDoc(ConversationRecord.Progress p) {
        return new Document("queuedAt", Docs.date(p.queuedAt())).append("offeredAt", Docs.date(p.offeredAt()))
                .append("offerExpiresAt", Docs.date(p.offerExpiresAt())).append("acceptedAt", Docs.date(p.acceptedAt()))
                .append("firstReplyAt", Docs.date(p.firstReplyAt())).append("declinedBy", new ArrayList<>(p.declinedBy()))
                .append("reroutes", p.reroutes());
    }

    private static ConversationRecord.Progress progressFrom(Document p, Instant createdAt) {
        if (p == null) {
            return ConversationRecord.Progress.waitingSince(createdAt);
        }
        Instant queuedAt = Docs.instant(p, "queuedAt");
        return new ConversationRecord.Progress(queuedAt == null ? createdAt : queuedAt, Docs.instant(p, "offeredAt"),
                Docs.instant(p, "offerExpiresAt"), Docs.instant(p, "acceptedAt"), Docs.instant(p, "firstReplyAt"),
                Docs.stringSet(p, "declinedBy"), p.getInteger("reroutes", 0));
    }

    static ConversationRecord fromDoc(Document d) {
        Document cu = d.get("customer", Document.class);
        ConversationRecord.CustomerInfo customer = cu == null ? null : new ConversationRecord.CustomerInfo(
                cu.getString("id"), cu.getString("tier"), cu.getBoolean("returning", false), cu.getString("lastAgentId"),
                cu.getInteger("orderCount", 0), Docs.stringSet(cu, "tags"));
        Document en = d.get("entry", Document.class);
        ConversationRecord.EntryInfo entry = en == null ? null : new ConversationRecord.EntryInfo(
                en.getString("campaign"), en.getString("landingPage"), en.getString("businessLine"));
        String outcome = d.getString("outcome");
        return new ConversationRecord(d.getString("_id"), d.getString("channel"), d.getString("externalId"),
                d.getString("text"), d.getString("language"), customer, entry, Docs.stringMap(d, "fields"),
                PlanDocs.fromDoc(d.get("plan", Document.class)), d.getString("rulesetVersion"),
                ConversationStatus.valueOf(d.getString("status").toUpperCase(java.util.Locale.ROOT)),
                d.getString("agentId"), d.getString("decisionId"), Docs.instant(d, "createdAt"),
                Docs.instant(d, "assignedAt"), Docs.instant(d, "endedAt"),
                outcome == null ? null : Outcome.parse(outcome).orElse(null), Docs.integer(d, "satisfaction"),
                d.getString("experimentId"), d.getString("variant"), progressFrom(d.get("progress", Document.class),
                Docs.instant(d, "createdAt")), d.getString("strategy"));
    }
}
