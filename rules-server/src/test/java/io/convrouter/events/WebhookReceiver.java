package io.convrouter.events;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.function.ToIntFunction;

import com.sun.net.httpserver.HttpServer;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A real HTTP endpoint on a loopback port that records every webhook request it receives, in
 * arrival order, and answers with the status {@link #respond} chooses (200 unless told otherwise).
 */
final class WebhookReceiver implements AutoCloseable {
    private static final JsonMapper JSON = JsonMapper.builder().build();

    /** One request as received: headers (lower-case names), the raw body, the parsed body, the answer. */
    record Request(String path, Map<String, String> headers, byte[] body, JsonNode json, int status) {
        String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }

        String eventId() {
            return json.get("id").asString();
        }

        String conversationId() {
            JsonNode c = json.get("conversationId");
            return c == null || c.isNull() ? null : c.asString();
        }

        long sequence() {
            return json.get("sequence").asLong();
        }

        boolean ok() {
            return status / 100 == 2;
        }
    }

    private final HttpServer server;
    private final ExecutorService executor = Executors.newCachedThreadPool();
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile ToIntFunction<Request> respond = r -> 200;

    WebhookReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setExecutor(executor);
        server.createContext("/", exchange -> {
            byte[] body;
            try (InputStream in = exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), v.get(0)));
            JsonNode json = JSON.readTree(body);
            Request probe = new Request(exchange.getRequestURI().getPath(), headers, body, json, 0);
            int status = respond.applyAsInt(probe);
            requests.add(new Request(probe.path(), headers, body, json, status));
            exchange.sendResponseHeaders(status, -1);
            exchange.close();
        });
        server.start();
    }

    URI url(String path) {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + path);
    }

    void respond(ToIntFunction<Request> respond) {
        this.respond = respond;
    }

    List<Request> requests() {
        return new ArrayList<>(requests);
    }

    List<Request> requests(String path) {
        return requests.stream().filter(r -> r.path().equals(path)).toList();
    }

    /** Requests answered 2xx. */
    List<Request> delivered(String path) {
        return requests(path).stream().filter(Request::ok).toList();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
