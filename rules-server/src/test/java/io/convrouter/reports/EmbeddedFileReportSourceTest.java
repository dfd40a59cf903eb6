package io.convrouter.reports;

import java.nio.file.Path;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;

import io.convrouter.store.mongo.EmbeddedMongo;

/** What reports read, on the embedded server with the H2 file backend (the production default). */
class EmbeddedFileReportSourceTest extends ReportSourceContract {
    @TempDir
    static Path dataDir;
    private static EmbeddedMongo server;
    private static MongoClient client;

    @BeforeAll
    static void start() {
        server = EmbeddedMongo.onFile(dataDir.resolve("reports"), 16, "127.0.0.1", 0);
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
