package io.convrouter.store;

import org.testcontainers.junit.jupiter.Container;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.mongodb.MongoDBContainer;

import io.convrouter.testing.RoutingApp;

/** Concurrent intake on a real MongoDB; skipped where no Docker engine is available. */
@Testcontainers(disabledWithoutDocker = true)
class MongoContainerConcurrentIntakeTest extends ConcurrentIntakeContract {
    @Container
    static final MongoDBContainer MONGO = new MongoDBContainer(MongoImage.NAME);

    @Override
    protected RoutingApp startServer() {
        return RoutingApp.start("--spring.mongodb.uri=" + MONGO.getReplicaSetUrl("convrouter"));
    }
}
