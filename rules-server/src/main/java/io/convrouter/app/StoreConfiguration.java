package io.convrouter.app;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.autoconfigure.condition.ConditionalOnExpression;
import org.springframework.boot.mongodb.autoconfigure.MongoClientSettingsBuilderCustomizer;
import org.springframework.boot.mongodb.autoconfigure.MongoConnectionDetails;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import com.mongodb.ConnectionString;
import com.mongodb.WriteConcern;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoDatabase;

import io.convrouter.store.Durability;
import io.convrouter.store.mongo.EmbeddedMongo;
import io.convrouter.store.mongo.MongoAgentStore;
import io.convrouter.store.mongo.MongoConversationStore;
import io.convrouter.store.mongo.MongoDecisionLog;

/**
 * MongoDB wiring. With {@code spring.mongodb.uri} (or SPRING_MONGODB_URI) set, the server uses
 * that MongoDB with journaled majority writes. Without it, it starts the embedded server and
 * points the same driver at it.
 */
@Configuration(proxyBeanMethods = false)
public class StoreConfiguration {
    private static final Logger log = LoggerFactory.getLogger(StoreConfiguration.class);
    static final String NO_URI = "'${spring.mongodb.uri:}'.isEmpty()";

    @Bean(destroyMethod = "close")
    @ConditionalOnExpression(NO_URI)
    EmbeddedMongo embeddedMongo(RoutingProperties props) {
        RoutingProperties.Embedded e = props.embedded();
        EmbeddedMongo mongo = switch (e.backend()) {
            case "memory" -> EmbeddedMongo.inMemory();
            case "file" -> EmbeddedMongo.onFile(e.dataDir(), e.cacheSizeMb(), e.host(), e.port());
            default -> throw new IllegalArgumentException(
                    "routing.embedded.backend must be 'file' or 'memory', was '" + e.backend() + "'");
        };
        log.info("No spring.mongodb.uri set: using the embedded MongoDB-wire server at {} ({})",
                mongo.connectionString(), mongo.persistent()
                        ? "data in " + e.dataDir().toAbsolutePath().resolve("routing.mv.db") : "in memory");
        return mongo;
    }

    @Bean
    @ConditionalOnExpression(NO_URI)
    MongoConnectionDetails embeddedConnectionDetails(EmbeddedMongo mongo) {
        return () -> new ConnectionString(mongo.connectionString() + "/convrouter");
    }

    @Bean
    MongoClientSettingsBuilderCustomizer journaledWrites() {
        // Acknowledged means durable: real MongoDB confirms only after the journal has the write.
        return builder -> builder.writeConcern(WriteConcern.MAJORITY.withJournal(true));
    }

    @Bean
    MongoDatabase routingDatabase(MongoClient client,
                                  @Value("${spring.mongodb.database:}") String configuredName,
                                  @Value("${spring.mongodb.uri:}") String uri) {
        String name = configuredName;
        if (name.isBlank() && !uri.isBlank()) {
            name = new ConnectionString(uri).getDatabase();
        }
        return client.getDatabase(name == null || name.isBlank() ? "convrouter" : name);
    }

    /** Not closed here: the embedded server bean owns its own shutdown. */
    @Bean(destroyMethod = "")
    Durability durability(ObjectProvider<EmbeddedMongo> embedded) {
        EmbeddedMongo mongo = embedded.getIfAvailable();
        return mongo != null ? mongo : Durability.NONE;
    }

    @Bean
    MongoAgentStore agentStore(MongoDatabase db, io.convrouter.workbench.Workbench workbench) {
        return new MongoAgentStore(db, workbench.channelIds());
    }

    @Bean
    MongoConversationStore conversationStore(MongoDatabase db) {
        return new MongoConversationStore(db);
    }

    @Bean
    MongoDecisionLog decisionLog(MongoDatabase db) {
        return new MongoDecisionLog(db);
    }
}
