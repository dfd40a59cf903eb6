package io.convrouter.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.convrouter.support.ApiTestSupport;

/** The whole server with a webhook configured: what the routing core reports reaches a real endpoint, signed and in order. */
class WebhooksEndToEndTest extends ApiTestSupport {
    private static final String SECRET = "end-to-end-secret";
    private static final WebhookReceiver RECEIVER;

    static {
        try {
            RECEIVER = new WebhookReceiver();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @DynamicPropertySource
    static void webhook(DynamicPropertyRegistry registry) {
        registry.add("routing.webhooks[0].name", () -> "crm");
        registry.add("routing.webhooks[0].url", () -> RECEIVER.url("/crm").toString());
        registry.add("routing.webhooks[0].secret", () -> SECRET);
    }

    @AfterAll
    static void stopReceiver() {
        RECEIVER.close();
    }

    @Test
    void aConversationsEventsArriveSignedAndInOrder() {
        String language = newLanguage();
        onlineAgent(language, 3);
        String id = create(refundRequest(language)).get("id").asString();
        close(id, "resolved", 5);

        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(mine(id))
                .extracting(r -> r.json().get("type").asString()).contains(RoutingEvent.CLOSED));
        List<WebhookReceiver.Request> received = mine(id);
        assertThat(received).extracting(WebhookReceiver.Request::sequence)
                .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, received.size()).boxed().toList());
        assertThat(received.get(0).json().get("type").asString()).isIn(RoutingEvent.OFFERED, RoutingEvent.ACCEPTED);
        assertThat(received.get(received.size() - 1).json().get("type").asString()).isEqualTo(RoutingEvent.CLOSED);
        assertThat(received).allSatisfy(r ->
                assertThat(WebhookSignature.verify(SECRET, r.body(), r.header(WebhookSignature.HEADER))).isTrue());
    }

    private static List<WebhookReceiver.Request> mine(String conversationId) {
        return RECEIVER.delivered("/crm").stream().filter(r -> conversationId.equals(r.conversationId())).toList();
    }
}
