package io.convrouter.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.SystemEnvironmentPropertySource;
import org.springframework.mock.env.MockEnvironment;

import com.mongodb.client.MongoDatabase;

import io.convrouter.app.EventsConfiguration;
import io.convrouter.app.EventsConfiguration.WebhookConfig;

/** The Spring wiring: properties and environment variables to endpoints, the lifecycle, the RoutingEvents bean. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class EventsConfigurationTest {
    private final EventsFixture f = new EventsFixture();
    private WebhookReceiver receiver;

    @BeforeEach
    void setUp() throws Exception {
        f.newDatabase();
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
    }

    @AfterAll
    void closeAll() {
        f.close();
    }

    @Configuration(proxyBeanMethods = false)
    static class Infrastructure {
        static MongoDatabase db;
        static Clock clock;

        @Bean
        MongoDatabase routingDatabase() {
            return db;
        }

        @Bean
        Clock clock() {
            return clock;
        }
    }

    private ApplicationContextRunner runner() {
        Infrastructure.db = f.db;
        Infrastructure.clock = f.clock;
        return new ApplicationContextRunner().withUserConfiguration(Infrastructure.class, EventsConfiguration.class);
    }

    @Test
    void theRoutingCoreGetsTheOutboxAndDeliveryRunsWithTheContext() {
        runner().withPropertyValues(
                        "routing.webhooks[0].name=crm",
                        "routing.webhooks[0].url=" + receiver.url("/crm"),
                        "routing.webhooks[0].events=conversation.offered,conversation.closed",
                        "routing.events.poll-interval=20ms")
                .withInitializer(ctx -> ctx.getEnvironment().getPropertySources().addFirst(
                        new SystemEnvironmentPropertySource("test-systemEnvironment", Map.of("ROUTING_WEBHOOKS_0_SECRET", "from-the-env"))))
                .run(ctx -> {
                    assertThat(ctx).hasNotFailed();
                    RoutingEvents events = ctx.getBean(RoutingEvents.class);
                    assertThat(events).isInstanceOf(EventOutbox.class);
                    WebhookDelivery delivery = ctx.getBean(WebhookDelivery.class);
                    assertThat(delivery.running()).isTrue();

                    events.publish(f.event(RoutingEvent.OFFERED, "conv-1", 1));
                    events.publish(f.event(RoutingEvent.ACCEPTED, "conv-1", 2));
                    events.publish(f.event(RoutingEvent.CLOSED, "conv-1", 3));
                    EventsFixture.settle(delivery);
                    assertThat(receiver.delivered("/crm")).extracting(WebhookReceiver.Request::eventId)
                            .containsExactly("conv-1-1", "conv-1-3");
                    WebhookReceiver.Request r = receiver.delivered("/crm").get(0);
                    assertThat(WebhookSignature.verify("from-the-env", r.body(), r.header("X-Routing-Signature"))).isTrue();
                });
        assertThat(f.store.lease()).as("stopping the context stops delivery and frees the lease").isEmpty();
    }

    @Test
    void withoutWebhooksTheServerStartsAndStoresEvents() {
        runner().run(ctx -> {
            assertThat(ctx).hasNotFailed();
            WebhookDelivery delivery = ctx.getBean(WebhookDelivery.class);
            assertThat(delivery.webhooks()).isEmpty();
            assertThat(delivery.settings()).isEqualTo(WebhookSettings.defaults());
            ctx.getBean(RoutingEvents.class).publish(f.event(RoutingEvent.QUEUED, "conv-1", 1));
            EventsFixture.settle(delivery);
            assertThat(f.store.size()).isEqualTo(1);
        });
    }

    @Test
    void settingsBindFromRoutingEventsProperties() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("routing.webhooks[0].url", "https://crm.example.com/hooks/routing")
                .withProperty("routing.webhooks[0].secret", "x")
                .withProperty("routing.webhooks[1].name", "bi")
                .withProperty("routing.webhooks[1].url", "http://bi.internal:8081/in")
                .withProperty("routing.webhooks[1].secret", "y")
                .withProperty("routing.webhooks[1].events", "queue.*")
                .withProperty("routing.events.max-stored", "1000")
                .withProperty("routing.events.retry.base", "500ms")
                .withProperty("routing.events.retry.cap", "10m")
                .withProperty("routing.events.retry.max-attempts", "20")
                .withProperty("routing.events.retry.jitter", "0")
                .withProperty("routing.events.request-timeout", "3s");
        WebhookConfig config = WebhookConfig.from(env);
        assertThat(config.webhooks()).extracting(Webhook::name).containsExactly("crm_example_com_hooks_routing", "bi");
        assertThat(config.webhooks().get(1).accepts(RoutingEvent.QUEUE_WAIT_ALERT)).isTrue();
        assertThat(config.webhooks().get(1).accepts(RoutingEvent.OFFERED)).isFalse();
        assertThat(config.webhooks().get(0).accepts(RoutingEvent.OFFERED)).isTrue();
        assertThat(config.webhooks().get(0).toString()).doesNotContain("x]").doesNotContain("secret");
        WebhookSettings s = config.settings();
        assertThat(s.maxStored()).isEqualTo(1000);
        assertThat(s.backoffBase()).isEqualTo(Duration.ofMillis(500));
        assertThat(s.backoffCap()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.maxAttempts()).isEqualTo(20);
        assertThat(s.jitter()).isZero();
        assertThat(s.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
        assertThat(s.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void everyConfigurationProblemIsReportedAtOnceNamingItsProperty() {
        MockEnvironment env = new MockEnvironment()
                .withProperty("routing.webhooks[0].url", "ftp://crm.example.com/in")
                .withProperty("routing.webhooks[0].secret", "x")
                .withProperty("routing.webhooks[1].url", "https://crm.example.com/in")
                .withProperty("routing.webhooks[1].events", "conversation.offerd")
                .withProperty("routing.webhooks[2].name", "a")
                .withProperty("routing.webhooks[2].url", "https://a.example.com/")
                .withProperty("routing.webhooks[2].secret", "x")
                .withProperty("routing.webhooks[3].name", "a")
                .withProperty("routing.webhooks[3].url", "https://b.example.com/")
                .withProperty("routing.webhooks[3].secret", "x")
                .withProperty("routing.events.retry.max-attempts", "0");
        assertThatThrownBy(() -> WebhookConfig.from(env))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("routing.webhooks[0].url: 'ftp://crm.example.com/in' is not an absolute http:// or https:// URL")
                .hasMessageContaining("routing.webhooks[1].secret: missing")
                .hasMessageContaining("ROUTING_WEBHOOKS_1_SECRET")
                .hasMessageContaining("routing.webhooks[1].events: 'conversation.offerd' is not an event type")
                .hasMessageContaining("two webhooks are named 'a'")
                .hasMessageContaining("routing.events.retry.max-attempts: must be at least 1");
    }

    @Test
    void aBadConfigurationStopsTheStartWithTheProblems() {
        runner().withPropertyValues("routing.webhooks[0].url=" + receiver.url("/crm")).run(ctx -> {
            assertThat(ctx).hasFailed();
            assertThat(ctx.getStartupFailure()).rootCause().hasMessageContaining("routing.webhooks[0].secret: missing");
        });
    }

    @Test
    void knownTypesAreTheCoresConstants() {
        assertThat(Webhook.knownTypes()).contains(RoutingEvent.OFFERED, RoutingEvent.ACCEPTED, RoutingEvent.TIMED_OUT,
                RoutingEvent.RECLAIMED, RoutingEvent.RELAXED, RoutingEvent.OVERFLOWED, RoutingEvent.HANDED_OFF,
                RoutingEvent.ABANDONED, RoutingEvent.CLOSED, RoutingEvent.QUEUE_WAIT_ALERT);
        List<String> problems = new java.util.ArrayList<>();
        assertThat(Webhook.parse("p", null, "http://localhost:9/x", "s", List.of("*", "conversation.*"), problems)).isNotNull();
        assertThat(problems).isEmpty();
    }
}
