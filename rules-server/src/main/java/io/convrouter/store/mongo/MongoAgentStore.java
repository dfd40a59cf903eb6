package io.convrouter.store.mongo;

import static com.mongodb.client.model.Filters.and;
import static com.mongodb.client.model.Filters.eq;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import org.bson.Document;
import org.bson.conversions.Bson;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.Updates;

import io.convrouter.agents.Agent;
import io.convrouter.agents.AgentProfile;
import io.convrouter.agents.AgentStore;
import io.convrouter.agents.Presence;

/**
 * Agents in MongoDB. A reservation is one conditional findOneAndUpdate: it matches only while the
 * agent is online and its load on the channel is below the capacity stored for it, and increments
 * the load and records the conversation in the same atomic step.
 */
public final class MongoAgentStore implements AgentStore {
    private static final FindOneAndUpdateOptions RETURN_NEW =
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.AFTER);
    private static final FindOneAndUpdateOptions RETURN_OLD =
            new FindOneAndUpdateOptions().returnDocument(ReturnDocument.BEFORE);

    private final MongoCollection<Document> agents;
    private final java.util.Set<String> channels;

    public MongoAgentStore(MongoDatabase db) {
        this(db, java.util.Set.of());
    }

    /**
     * {@code channels}: every channel an agent may later be given capacity on. A new agent's load
     * starts with all of them at 0, so adding a channel to a profile never adds a field to the
     * stored load (the embedded server shares nested documents with answers it is still sending,
     * and a field added meanwhile breaks that answer).
     */
    public MongoAgentStore(MongoDatabase db, java.util.Set<String> channels) {
        this.agents = db.getCollection("agents");
        this.channels = java.util.Set.copyOf(channels);
    }

    @Override
    public Agent saveProfile(AgentProfile p, Instant now) {
        for (int attempt = 0; ; attempt++) {
            Document existing = agents.find(eq("_id", p.id())).first();
            if (existing == null) {
                Document doc = new Document("_id", p.id())
                        .append("name", p.name())
                        .append("skills", Docs.doc(p.skills()))
                        .append("languages", new ArrayList<>(p.languages()))
                        .append("teams", new ArrayList<>(p.teams()))
                        .append("capacity", Docs.doc(p.capacity()))
                        .append("queues", new ArrayList<>(p.queues()))
                        .append("maxUnits", p.maxUnits() == null ? Agent.UNLIMITED_UNITS : p.maxUnits())
                        .append("units", 0)
                        .append("offerTimeouts", 0)
                        .append("presence", Presence.OFFLINE.wireName())
                        .append("load", Docs.doc(zeroLoad(p.capacity())))
                        .append("active", new ArrayList<>())
                        .append("presenceSince", Docs.date(now))
                        .append("lastFreedAt", null)
                        .append("createdAt", Docs.date(now));
                try {
                    agents.insertOne(doc);
                    return fromDoc(doc);
                } catch (com.mongodb.MongoWriteException e) {
                    if (attempt > 3) {
                        throw e;
                    }
                    continue; // registered concurrently: update it instead
                }
            }
            Map<String, Integer> load = Docs.intMap(existing, "load");
            for (String channel : p.capacity().keySet()) {
                if (!load.containsKey(channel)) {
                    // A new channel starts at load 0, set only while the field is still absent: another update
                    // may have added it meanwhile and a reservation taken a unit, which an unconditional
                    // "$set: 0" from this (stale) read would erase.
                    agents.updateOne(and(eq("_id", p.id()), Filters.exists("load." + channel, false)),
                            Updates.set("load." + channel, 0));
                }
            }
            List<Bson> updates = new ArrayList<>();
            updates.add(Updates.set("name", p.name()));
            updates.add(Updates.set("skills", Docs.doc(p.skills())));
            updates.add(Updates.set("languages", new ArrayList<>(p.languages())));
            updates.add(Updates.set("teams", new ArrayList<>(p.teams())));
            updates.add(Updates.set("capacity", Docs.doc(p.capacity())));
            updates.add(Updates.set("queues", new ArrayList<>(p.queues())));
            updates.add(Updates.set("maxUnits", p.maxUnits() == null ? Agent.UNLIMITED_UNITS : p.maxUnits()));
            Document before = agents.findOneAndUpdate(eq("_id", p.id()), Updates.combine(updates), RETURN_OLD);
            if (before != null) {
                Agent a = fromDoc(before);
                Map<String, Integer> newLoad = new java.util.LinkedHashMap<>();
                Map<String, Integer> stored = Docs.intMap(before, "load");
                p.capacity().keySet().forEach(ch -> newLoad.put(ch, stored.getOrDefault(ch, 0)));
                a.load().forEach((ch, n) -> {
                    if (n != 0) {
                        newLoad.put(ch, n);
                    }
                });
                return new Agent(a.id(), p.name(), p.skills(), p.languages(), p.teams(), p.capacity(), a.presence(),
                        newLoad, a.active(), a.presenceSince(), a.lastFreedAt(), a.unitsUsed(),
                        p.maxUnits() == null ? Agent.UNLIMITED_UNITS : p.maxUnits(), a.wrapUpUntil(),
                        a.lastAssignedAt(), a.offerTimeouts(), p.queues());
            }
        }
    }

    @Override
    public Optional<Agent> setPresence(String agentId, Presence presence, Instant now) {
        Document current = agents.find(eq("_id", agentId)).first();
        if (current == null) {
            return Optional.empty();
        }
        if (presence.wireName().equals(current.getString("presence"))) {
            return Optional.of(fromDoc(current));
        }
        return Optional.ofNullable(agents.findOneAndUpdate(eq("_id", agentId),
                Updates.combine(Updates.set("presence", presence.wireName()),
                        Updates.set("presenceSince", Docs.date(now))),
                RETURN_NEW)).map(MongoAgentStore::fromDoc);
    }

    @Override
    public Optional<Agent> find(String agentId) {
        return Optional.ofNullable(agents.find(eq("_id", agentId)).first()).map(MongoAgentStore::fromDoc);
    }

    @Override
    public List<Agent> findAll() {
        List<Agent> result = new ArrayList<>();
        agents.find().sort(new Document("_id", 1)).forEach(d -> result.add(fromDoc(d)));
        return result;
    }

    @Override
    public Optional<Agent> tryReserve(String agentId, String channel, int units, String conversationId, Instant now) {
        // Capacity and units are compared with what is stored on the agent, in the same atomic step.
        // The caller's view of the agent may predate a profile update that lowered them.
        Bson filter = and(eq("_id", agentId), eq("presence", Presence.ONLINE.wireName()),
                Filters2.roomFor(channel, units), Filters2.notHolding(conversationId));
        Bson update = Updates.combine(
                Updates.inc("load." + channel, 1),
                Updates.inc("units", units),
                Updates.set("lastAssignedAt", Docs.date(now)),
                Updates.push("active", new Document("conversationId", conversationId)
                        .append("channel", channel).append("units", units).append("since", Docs.date(now))));
        // The document as it was before the update, and the update applied here: the embedded server
        // answers "as it is after" with the live document, which a concurrent update may be changing
        // while the answer is sent (a ConcurrentModificationException there); "before" is a private copy.
        Document before = agents.findOneAndUpdate(filter, update, RETURN_OLD);
        if (before == null) {
            return Optional.empty();
        }
        Agent a = fromDoc(before);
        Map<String, Integer> load = new java.util.LinkedHashMap<>(a.load());
        load.merge(channel, 1, Integer::sum);
        List<Agent.ActiveConversation> active = new ArrayList<>(a.active());
        active.add(new Agent.ActiveConversation(conversationId, channel, now, units));
        return Optional.of(new Agent(a.id(), a.name(), a.skills(), a.languages(), a.teams(), a.capacity(), a.presence(),
                load, active, a.presenceSince(), a.lastFreedAt(), a.unitsUsed() + units, a.maxUnits(), a.wrapUpUntil(),
                now, a.offerTimeouts(), a.queues()));
    }

    @Override
    public Optional<Agent> release(String agentId, String conversationId, Instant now) {
        Document current = agents.find(eq("_id", agentId)).first();
        if (current == null) {
            return Optional.empty();
        }
        Document held = null;
        for (Document a : current.getList("active", Document.class, List.of())) {
            if (conversationId.equals(a.getString("conversationId"))) {
                held = a;
            }
        }
        if (held == null) {
            return Optional.of(fromDoc(current));
        }
        // Conditional on still holding it, so a repeated release never gives back twice. As in tryReserve,
        // read the private "before" copy and apply the change here.
        String channel = held.getString("channel");
        int units = held.getInteger("units", 0);
        Document before = agents.findOneAndUpdate(
                and(eq("_id", agentId), eq("active.conversationId", conversationId)),
                Updates.combine(Updates.inc("load." + channel, -1), Updates.inc("units", -units),
                        Updates.pull("active", new Document("conversationId", conversationId)),
                        Updates.set("lastFreedAt", Docs.date(now))),
                RETURN_OLD);
        if (before == null) {
            return find(agentId);
        }
        Agent a = fromDoc(before);
        Map<String, Integer> load = new java.util.LinkedHashMap<>(a.load());
        load.merge(channel, -1, Integer::sum);
        List<Agent.ActiveConversation> active = new ArrayList<>(a.active());
        active.removeIf(x -> x.conversationId().equals(conversationId));
        return Optional.of(new Agent(a.id(), a.name(), a.skills(), a.languages(), a.teams(), a.capacity(), a.presence(),
                load, active, a.presenceSince(), now, a.unitsUsed() - units, a.maxUnits(), a.wrapUpUntil(),
                a.lastAssignedAt(), a.offerTimeouts(), a.queues()));
    }

    @Override
    public Optional<Agent> startWrapUp(String agentId, Instant until) {
        return Optional.ofNullable(agents.findOneAndUpdate(eq("_id", agentId), Updates.set("wrapUpUntil", Docs.date(until)),
                RETURN_NEW)).map(MongoAgentStore::fromDoc);
    }

    @Override
    public Optional<Agent> recordOfferTimeout(String agentId) {
        return Optional.ofNullable(agents.findOneAndUpdate(eq("_id", agentId), Updates.inc("offerTimeouts", 1),
                RETURN_NEW)).map(MongoAgentStore::fromDoc);
    }

    @Override
    public Optional<Agent> resetOfferTimeouts(String agentId) {
        return Optional.ofNullable(agents.findOneAndUpdate(eq("_id", agentId), Updates.set("offerTimeouts", 0),
                RETURN_NEW)).map(MongoAgentStore::fromDoc);
    }

    private Map<String, Integer> zeroLoad(Map<String, Integer> capacity) {
        Map<String, Integer> load = new java.util.TreeMap<>(Agent.zeroLoad(capacity));
        channels.forEach(ch -> load.putIfAbsent(ch, 0));
        return load;
    }

    static Agent fromDoc(Document d) {
        List<Agent.ActiveConversation> active = new ArrayList<>();
        for (Document a : d.getList("active", Document.class, List.of())) {
            active.add(new Agent.ActiveConversation(a.getString("conversationId"), a.getString("channel"),
                    Docs.instant(a, "since"), a.getInteger("units", 0)));
        }
        Map<String, Integer> capacity = Docs.intMap(d, "capacity");
        // The stored load keeps a zero for every channel; the agent's load is on the channels it serves.
        Map<String, Integer> load = new java.util.LinkedHashMap<>();
        Docs.intMap(d, "load").forEach((ch, n) -> {
            if (n != 0 || capacity.containsKey(ch)) {
                load.put(ch, n);
            }
        });
        return new Agent(d.getString("_id"), d.getString("name"), Docs.intMap(d, "skills"),
                Docs.stringSet(d, "languages"), Docs.stringSet(d, "teams"), capacity,
                Presence.parse(d.getString("presence")).orElse(Presence.OFFLINE), load, active,
                Docs.instant(d, "presenceSince"), Docs.instant(d, "lastFreedAt"), d.getInteger("units", 0),
                d.getInteger("maxUnits", Agent.UNLIMITED_UNITS), Docs.instant(d, "wrapUpUntil"),
                Docs.instant(d, "lastAssignedAt"), d.getInteger("offerTimeouts", 0), Docs.stringSet(d, "queues"));
    }

    /** Filters the driver's helpers do not spell directly. */
    static final class Filters2 {
        private Filters2() {}

        static Bson notHolding(String conversationId) {
            return new Document("active.conversationId", new Document("$ne", conversationId));
        }

        /**
         * {@code load.<channel> < capacity.<channel>} and {@code units + needed <= maxUnits}, read from
         * the document being updated (agents stored before weighting existed count as unlimited).
         */
        static Bson roomFor(String channel, int units) {
            Document belowCapacity = new Document("$lt", List.of("$load." + channel, "$capacity." + channel));
            Document unitsLeft = new Document("$lte", List.of(
                    new Document("$add", List.of(new Document("$ifNull", List.of("$units", 0)), units)),
                    new Document("$ifNull", List.of("$maxUnits", Agent.UNLIMITED_UNITS))));
            return new Document("$expr", new Document("$and", List.of(belowCapacity, unitsLeft)));
        }
    }
}
