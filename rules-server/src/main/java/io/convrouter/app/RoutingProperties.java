package io.convrouter.app;

import java.nio.file.Path;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the server finds its policies, configuration and data. Relative paths resolve against
 * the working directory; the Maven run command starts the server in the project root.
 */
@ConfigurationProperties("routing")
public record RoutingProperties(
        @DefaultValue("rules") Path rulesDir,
        /* How often the rules directory is checked for changes (a change becomes a candidate); 0 turns it off. */
        @DefaultValue("2s") java.time.Duration rulesWatchInterval,
        /* Activate a valid candidate from the rules directory at once (handy in development; off for production). */
        @DefaultValue("false") boolean rulesAutoActivate,
        /* How often this instance checks the shared policy state for activations made by other instances. */
        @DefaultValue("2s") java.time.Duration policySyncInterval,
        @DefaultValue("workbench-config") Path workbenchDir,
        @DefaultValue("false") boolean demoRoster,
        @DefaultValue Embedded embedded) {

    /** The embedded MongoDB-wire server used when no {@code spring.mongodb.uri} is set. */
    public record Embedded(
            @DefaultValue("file") String backend,
            @DefaultValue("data") Path dataDir,
            @DefaultValue("127.0.0.1") String host,
            @DefaultValue("0") int port,
            @DefaultValue("256") int cacheSizeMb) {}
}
