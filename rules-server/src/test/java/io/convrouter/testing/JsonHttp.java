package io.convrouter.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A small JSON-over-HTTP client for driving the server the way an integration does. */
public final class JsonHttp {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    private final HttpClient client;

    /** Sends the test configuration's admin key as X-API-Key (the child servers use the test configuration too). */
    public JsonHttp(String base) {
        this(base, io.convrouter.support.TestKeys.ADMIN);
    }

    private final String apiKey;

    public JsonHttp(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
    }

    public record Response(int status, JsonNode body, String raw) {
        public String text(String field) {
            JsonNode n = body == null ? null : body.get(field);
            return n == null || n.isNull() ? null : n.asString();
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Response post(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    public Response put(String path, Object body) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body))));
    }

    /** Throws IOException (wrapped) when the server is unreachable or dies mid-request. */
    public Response send(HttpRequest.Builder request) {
        try {
            if (apiKey != null) {
                request.header("X-API-Key", apiKey);
            }
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            JsonNode body = null;
            String raw = r.body();
            String trimmed = raw == null ? "" : raw.trim();
            if (trimmed.startsWith("{") || trimmed.startsWith("[")) {
                body = JSON.readTree(raw);
            }
            return new Response(r.statusCode(), body, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** {@code PUT /api/v1/agents/{id}} body: every skill at 5, speaks zh and en, the given capacity per channel. */
    public static Map<String, Object> agent(String name, Map<String, Integer> capacity) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("name", name);
        body.put("skills", Map.of("general", 5, "refund", 5, "shipping", 5, "payment", 5, "invoice", 5,
                "installation", 5, "complaint", 5, "sales", 5));
        body.put("languages", List.of("zh", "en"));
        body.put("teams", List.of());
        body.put("capacity", capacity);
        return body;
    }

    /** A plain refund request from a regular customer: the kind of conversation every agent above can take. */
    public static Map<String, Object> refundConversation(String channel, String externalId) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("channel", channel);
        body.put("externalId", externalId);
        body.put("text", "我要退款，订单号 " + externalId);
        body.put("language", "zh");
        body.put("customer", Map.of("id", "c-" + externalId, "tier", "regular"));
        return body;
    }
}
