package io.convrouter.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.mongodb.client.MongoClient;

import io.convrouter.store.mongo.EmbeddedMongo;

/** The store contract on the embedded server with the memory backend (the test default). */
class EmbeddedMemoryStoreTest extends StoreContract {
    private static EmbeddedMongo server;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        server = EmbeddedMongo.inMemory();
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
}
