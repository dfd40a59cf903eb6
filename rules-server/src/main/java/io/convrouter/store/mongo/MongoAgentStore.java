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

    private final MongoCollection<Document> agents;

    public MongoAgentStore(MongoDatabase db) {
        this.agents = db.getCollection("agents");
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
                        .append("presence", Presence.OFFLINE.wireName())
                        .append("load", Docs.doc(Agent.zeroLoad(p.capacity())))
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
            Document saved = agents.findOneAndUpdate(eq("_id", p.id()), Updates.combine(updates), RETURN_NEW);
            if (saved != null) {
                return fromDoc(saved);
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
    public Optional<Agent> tryReserve(String agentId, String channel, int capacity, String conversationId, Instant now) {
        if (capacity <= 0) {
            return Optional.empty();
        }
        // "Below capacity" compares with the capacity stored on the agent, in the same atomic step. The caller's
        // capacity comes from its view of the agent, which may predate a profile update that lowered it.
        Bson filter = and(eq("_id", agentId), eq("presence", Presence.ONLINE.wireName()),
                Filters2.belowStoredCapacity(channel), Filters2.notHolding(conversationId));
        Bson update = Updates.combine(
                Updates.inc("load." + channel, 1),
                Updates.push("active", new Document("conversationId", conversationId)
                        .append("channel", channel).append("since", Docs.date(now))));
        return Optional.ofNullable(agents.findOneAndUpdate(filter, update, RETURN_NEW)).map(MongoAgentStore::fromDoc);
    }

    @Override
    public Optional<Agent> release(String agentId, String conversationId, Instant now) {
        Document current = agents.find(eq("_id", agentId)).first();
        if (current == null) {
            return Optional.empty();
        }
        String channel = null;
        for (Document a : current.getList("active", Document.class, List.of())) {
            if (conversationId.equals(a.getString("conversationId"))) {
                channel = a.getString("channel");
            }
        }
        if (channel == null) {
            return Optional.of(fromDoc(current));
        }
        // Conditional on still holding it, so a repeated release never decrements twice.
        Document updated = agents.findOneAndUpdate(
                and(eq("_id", agentId), eq("active.conversationId", conversationId)),
                Updates.combine(Updates.inc("load." + channel, -1),
                        Updates.pull("active", new Document("conversationId", conversationId)),
                        Updates.set("lastFreedAt", Docs.date(now))),
                RETURN_NEW);
        return Optional.of(fromDoc(updated != null ? updated : agents.find(eq("_id", agentId)).first()));
    }

    static Agent fromDoc(Document d) {
        List<Agent.ActiveConversation> active = new ArrayList<>();
        for (Document a : d.getList("active", Document.class, List.of())) {
            active.add(new Agent.ActiveConversation(a.getString("conversationId"), a.getString("channel"),
                    Docs.instant(a, "since")));
        }
        return new Agent(d.getString("_id"), d.getString("name"), Docs.intMap(d, "skills"),
                Docs.stringSet(d, "languages"), Docs.stringSet(d, "teams"), Docs.intMap(d, "capacity"),
                Presence.parse(d.getString("presence")).orElse(Presence.OFFLINE), Docs.intMap(d, "load"), active,
                Docs.instant(d, "presenceSince"), Docs.instant(d, "lastFreedAt"));
    }

    /** Filters the driver's helpers do not spell directly. */
    static final class Filters2 {
        private Filters2() {}

        static Bson notHolding(String conversationId) {
            return new Document("active.conversationId", new Document("$ne", conversationId));
        }

        /** {@code load.<channel> < capacity.<channel>}, both read from the document being updated. */
        static Bson belowStoredCapacity(String channel) {
            return new Document("$expr", new Document("$lt", List.of("$load." + channel, "$capacity." + channel)));
        }
    }
}
