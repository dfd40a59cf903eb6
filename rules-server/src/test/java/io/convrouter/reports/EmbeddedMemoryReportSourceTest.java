package io.convrouter.reports;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.convrouter.store.mongo.EmbeddedMongo;

/** What reports read, on the embedded server with the memory backend (the test default). */
class EmbeddedMemoryReportSourceTest extends ReportSourceContract {
    private static EmbeddedMongo server;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        server = EmbeddedMongo.inMemory();
        client = MongoClients.create(server.connectionString());
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
