package io.convrouter.store;

import java.nio.file.Path;

import org.junit.jupiter.api.io.TempDir;

import io.convrouter.testing.RoutingApp;

/** Concurrent intake on the embedded server with the H2 file backend, committing before each answer. */
class EmbeddedConcurrentIntakeTest extends ConcurrentIntakeContract {
    @TempDir
    static Path dataDir;

    @Override
    protected RoutingApp startServer() {
        return RoutingApp.onFile(dataDir);
    }
}
