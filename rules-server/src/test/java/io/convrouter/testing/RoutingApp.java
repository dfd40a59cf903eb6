package io.convrouter.testing;

import java.util.ArrayList;
import java.util.List;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import io.convrouter.app.RoutingServerApplication;

/**
 * The whole routing server started in this JVM on a random port, for tests that need to stop it
 * and start it again on the same data (which {@code @SpringBootTest} makes awkward). Arguments
 * are Spring command-line properties and win over the test configuration.
 */
public final class RoutingApp implements AutoCloseable {
    private final ConfigurableApplicationContext context;
    private final JsonHttp http;

    private RoutingApp(ConfigurableApplicationContext context) {
        this.context = context;
        int port = ((WebServerApplicationContext) context).getWebServer().getPort();
        this.http = new JsonHttp("http://127.0.0.1:" + port);
    }

    /** Starts the server; {@code --server.port=0} unless the arguments name a port. */
    public static RoutingApp start(String... args) {
        List<String> all = new ArrayList<>();
        all.add("--server.port=0");
        all.addAll(List.of(args));
        SpringApplication app = new SpringApplication(RoutingServerApplication.class);
        return new RoutingApp(app.run(all.toArray(String[]::new)));
    }

    /** Starts the server on the embedded MongoDB with its data in an H2 file under {@code dataDir}. */
    public static RoutingApp onFile(java.nio.file.Path dataDir, String... more) {
        List<String> args = new ArrayList<>(List.of("--routing.embedded.backend=file",
                "--routing.embedded.data-dir=" + dataDir.toAbsolutePath(), "--routing.embedded.cache-size-mb=16"));
        args.addAll(List.of(more));
        return start(args.toArray(String[]::new));
    }

    public JsonHttp http() {
        return http;
    }

    public <T> T bean(Class<T> type) {
        return context.getBean(type);
    }

    public <T> T bean(String name, Class<T> type) {
        return context.getBean(name, type);
    }

    @Override
    public void close() {
        context.close();
    }
}
