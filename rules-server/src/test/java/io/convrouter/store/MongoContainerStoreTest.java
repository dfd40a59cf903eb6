package io.convrouter.store;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import com.mongodb.client.MongoClient;

/**
 * The store contract on a real MongoDB (a single-node replica set, so majority journaled
 * writes behave as in production). Skipped where no Docker engine is available.
 */
@Testcontainers(disabledWithoutDocker = true)
class MongoContainerStoreTest extends StoreContract {
    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer(MongoImage.NAME);

    private static MongoClient client;

    @BeforeAll
    static void connect() {
        client = StoreFixtures.client(MONGO.getReplicaSetUrl());
    }

    @AfterAll
    static void disconnect() {
        if (client != null) {
            client.close();
        }
    }

    @Override
    protected MongoClient client() {
        return client;
    }
}
