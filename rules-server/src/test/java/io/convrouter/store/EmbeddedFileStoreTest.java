package io.convrouter.store;

import static io.convrouter.store.StoreFixtures.agent;
import static io.convrouter.store.StoreFixtures.at;
import static io.convrouter.store.StoreFixtures.decision;
import static io.convrouter.store.StoreFixtures.queued;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;

import io.convrouter.agents.Agent;
import io.convrouter.agents.Presence;
import io.convrouter.store.mongo.EmbeddedMongo;
import io.convrouter.store.mongo.MongoAgentStore;
import io.convrouter.store.mongo.MongoConversationStore;
import io.convrouter.store.mongo.MongoDecisionLog;

/** The store contract on the embedded server with the H2 file backend (the production default). */
class EmbeddedFileStoreTest extends StoreContract {
    @TempDir
    static Path dataDir;
    private static EmbeddedMongo server;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        server = EmbeddedMongo.onFile(dataDir.resolve("contract"), 16, "127.0.0.1", 0);
        client = StoreFixtures.client(server.connectionString());
    }

    @AfterAll
    static void stop() {
        client.close();
        server.close();
    }

    @Override
    protected MongoClient client() {
        return client;
    }

    /** What was written survives closing the embedded server and opening it again on the same file. */
    @Test
    void dataSurvivesReopeningTheFile(@TempDir Path dir) {
        EmbeddedMongo first = EmbeddedMongo.onFile(dir, 16, "127.0.0.1", 0);
        try (MongoClient c = StoreFixtures.client(first.connectionString())) {
            MongoDatabase d = c.getDatabase("convrouter");
            MongoAgentStore a = new MongoAgentStore(d);
            a.saveProfile(agent("a-1", Map.of("web", 2)), at(0));
            a.setPresence("a-1", Presence.ONLINE, at(1));
            a.tryReserve("a-1", "web", 2, "c1", at(2));
            new MongoConversationStore(d).insertIfAbsent(queued("c1", "e-1"));
            new MongoDecisionLog(d).append(decision("d1", "c1", at(2), "a-1", "r", "q"));
            first.awaitDurable();
        } finally {
            first.close();
        }

        EmbeddedMongo second = EmbeddedMongo.onFile(dir, 16, "127.0.0.1", 0);
        try (MongoClient c = StoreFixtures.client(second.connectionString())) {
            MongoDatabase d = c.getDatabase("convrouter");
            Agent agent = new MongoAgentStore(d).find("a-1").orElseThrow();
            assertThat(agent.presence()).isEqualTo(Presence.ONLINE);
            assertThat(agent.loadOn("web")).isEqualTo(1);
            assertThat(agent.holds("c1")).isTrue();
            MongoConversationStore conversations = new MongoConversationStore(d);
            assertThat(conversations.find("c1")).contains(queued("c1", "e-1"));
            assertThat(conversations.insertIfAbsent(queued("c2", "e-1")))
                    .as("the unique index on channel and external id is still enforced").isPresent();
            assertThat(new MongoDecisionLog(d).forConversation("c1"))
                    .containsExactly(decision("d1", "c1", at(2), "a-1", "r", "q"));
        } finally {
            second.close();
        }
    }
}
