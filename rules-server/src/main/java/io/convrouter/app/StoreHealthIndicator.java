package io.convrouter.app;

import org.bson.Document;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.stereotype.Component;

import com.mongodb.client.MongoDatabase;

/**
 * Health of the routing database. Boot's own MongoDB indicator sends {@code hello}, which the
 * embedded server does not answer; {@code ping} works on both it and real MongoDB.
 */
@Component("store")
class StoreHealthIndicator extends AbstractHealthIndicator {
    private final MongoDatabase db;

    StoreHealthIndicator(MongoDatabase db) {
        super("routing database health check failed");
        this.db = db;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        db.runCommand(new Document("ping", 1));
        builder.up().withDetail("database", db.getName());
    }
}
