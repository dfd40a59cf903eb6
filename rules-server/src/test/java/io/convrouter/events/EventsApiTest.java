package io.convrouter.events;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;

/** The operators' endpoints under /api/v1/events, on the whole server (no webhook configured there). */
class EventsApiTest extends ApiTestSupport {
    @Autowired
    private MongoEventStore store;

    @Autowired
    private RoutingEvents events;

    @LocalServerPort
    private int port;

    @Test
    void showsWhatIsConfiguredAndWaiting() {
        events.publish(new RoutingEvent(RoutingEvent.QUEUED, "conv-" + UUID.randomUUID(), null, null, Map.of()));
        ApiClient.Response r = api.get("/api/v1/events");
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.node("webhooks").size()).isZero();
        assertThat(r.node("stored").asLong()).isPositive();
        assertThat(r.node("publishing.published").asLong()).isPositive();
        assertThat(r.node("delivery.running").asBoolean()).isTrue();
        assertThat(r.raw()).doesNotContain("secret");
    }

    @Test
    void listsRetriesAndDiscardsParkedEvents() throws Exception {
        String conversation = "conv-" + UUID.randomUUID();
        StoredEvent e = new StoredEvent(StoredEvent.idOf(conversation, 1), conversation, 1, RoutingEvent.OFFERED,
                conversation, "a-1", Instant.parse("2026-11-11T08:00:00Z"), Map.of("queue", "general"),
                Instant.parse("2026-11-11T08:00:00Z"));
        store.insert(e);
        store.saveDelivery(e.id(), "crm", new DeliveryState(DeliveryState.State.FAILED, 15, null,
                Instant.parse("2026-11-11T08:30:00Z"), "HTTP 503"));

        ApiClient.Response failed = api.get("/api/v1/events/failed?limit=1000");
        assertThat(failed.status()).isEqualTo(200);
        var mine = java.util.stream.StreamSupport.stream(failed.json().spliterator(), false)
                .filter(n -> n.get("id").asString().equals(e.id())).findFirst().orElseThrow();
        assertThat(mine.get("type").asString()).isEqualTo(RoutingEvent.OFFERED);
        assertThat(mine.get("sequence").asLong()).isEqualTo(1);
        assertThat(mine.get("failedFor").get(0).asString()).isEqualTo("crm");
        assertThat(mine.get("deliveries").get("crm").get("attempts").asInt()).isEqualTo(15);
        assertThat(mine.get("deliveries").get("crm").get("lastError").asString()).isEqualTo("HTTP 503");

        ApiClient.Response retried = api.post("/api/v1/events/" + e.id() + "/retry");
        assertThat(retried.status()).isEqualTo(200);
        assertThat(retried.node("deliveries.crm.state").asString()).isEqualTo("pending");
        assertThat(retried.node("failedFor").size()).isZero();
        assertThat(api.post("/api/v1/events/" + e.id() + "/retry").status()).as("no longer parked").isEqualTo(409);
        assertThat(api.post("/api/v1/events/no-such-event/retry").status()).isEqualTo(404);
        assertThat(api.get("/api/v1/events/failed?limit=0").status()).isEqualTo(400);

        assertThat(delete("/api/v1/events/" + e.id())).isEqualTo(204);
        assertThat(delete("/api/v1/events/" + e.id())).isEqualTo(404);
        assertThat(store.find(e.id())).isEmpty();
    }

    private int delete(String path) throws Exception {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        return client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .header("X-API-Key", io.convrouter.support.TestKeys.ADMIN).DELETE().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode();
    }
}
