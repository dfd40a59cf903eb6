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
