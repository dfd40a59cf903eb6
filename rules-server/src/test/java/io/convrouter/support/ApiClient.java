package io.convrouter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Talks to the server over real HTTP the way an integration does: raw bodies in (so tests can
 * send malformed JSON), status, content type and parsed JSON out.
 */
public final class ApiClient {
    public static final JsonMapper JSON = JsonMapper.builder().build();

    private final String base;
    /** Sent as X-API-Key; null sends none. */
    private final String apiKey;
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    /** A client that signs in with the test configuration's admin key. */
    public ApiClient(int port) {
        this(port, TestKeys.ADMIN);
    }

    /** A client that sends this key as X-API-Key (null: no key at all). */
    public ApiClient(int port, String apiKey) {
        this("http://127.0.0.1:" + port, apiKey);
    }

    private ApiClient(String base, String apiKey) {
        this.base = base;
        this.apiKey = apiKey;
    }

    /** The same server with another key (null: none). */
    public ApiClient withKey(String key) {
        return new ApiClient(base, key);
    }

    /** The same server without a key. */
    public ApiClient withoutKey() {
        return new ApiClient(base, null);
    }

    /** Any request, for methods the shortcuts here lack (DELETE, a custom Accept header). */
    public Response request(String method, String path, String contentType, String body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).method(method, body == null
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        return send(b);
    }

    /** GET with an Accept header. */
    public Response get(String path, String accept) {
        return send(HttpRequest.newBuilder(uri(path)).header("Accept", accept).GET());
    }

    /**
     * A response: status, Content-Type header (or ""), raw body, the body parsed as JSON (null if
     * not JSON) and the Location header (or null).
     */
    public record Response(int status, String contentType, String raw, JsonNode json, String location) {

        public Response(int status, String contentType, String raw, JsonNode json) {
            this(status, contentType, raw, json, null);
        }

        /** The text at a dotted path such as "customer.tier", or null when missing or JSON null. */
        public String text(String path) {
            JsonNode n = node(path);
            return n == null || n.isNull() || n.isMissingNode() ? null : n.asString();
        }

        public JsonNode node(String path) {
            JsonNode n = json;
            for (String part : path.split("\\.")) {
                if (n == null) {
                    return null;
                }
                n = n.get(part);
            }
            return n;
        }

        /** The fields named in a problem's {@code errors} list. */
        public List<String> errorFields() {
            List<String> fields = new ArrayList<>();
            JsonNode errors = json == null ? null : json.get("errors");
            if (errors != null) {
                errors.forEach(e -> fields.add(e.get("field").asString()));
            }
            return fields;
        }

        @Override
        public String toString() {
            return status + " " + contentType + " " + raw;
        }
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    public Response post(String path, Object body) {
        return postRaw(path, toJson(body), "application/json");
    }

    /** POST without a body. */
    public Response post(String path) {
        return send(HttpRequest.newBuilder(uri(path)).POST(HttpRequest.BodyPublishers.noBody()));
    }

    public Response postRaw(String path, String body, String contentType) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public Response put(String path, Object body) {
        return putRaw(path, toJson(body));
    }

    public Response putRaw(String path, String body) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)));
    }

    public static String toJson(Object body) {
        return body instanceof String s ? s : JSON.writeValueAsString(body);
    }

    /** A JSON object from key-value pairs, keeping their order and allowing null values. */
    public static Map<String, Object> obj(Object... keyValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], keyValues[i + 1]);
        }
        return m;
    }

    public static String query(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private URI uri(String path) {
        return URI.create(base + path);
    }

    private Response send(HttpRequest.Builder request) {
        try {
            if (apiKey != null) {
                request.header("X-API-Key", apiKey);
            }
            HttpResponse<String> r = client.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            String contentType = r.headers().firstValue("Content-Type").orElse("");
            JsonNode json = null;
            if (!r.body().isEmpty()) {
                try {
                    json = JSON.readTree(r.body());
                } catch (RuntimeException notJson) {
                    json = null;
                }
            }
            return new Response(r.statusCode(), contentType, r.body(), json, r.headers().firstValue("Location").orElse(null));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
