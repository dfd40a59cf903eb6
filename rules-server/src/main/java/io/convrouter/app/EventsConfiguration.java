package io.convrouter.app;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.context.SmartLifecycle;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import com.mongodb.client.MongoDatabase;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.binder.MeterBinder;

import io.convrouter.errors.ConflictException;
import io.convrouter.errors.InvalidInputException;
import io.convrouter.errors.NotFoundException;
import io.convrouter.events.DeliveryState;
import io.convrouter.events.EventOutbox;
import io.convrouter.events.MongoEventStore;
import io.convrouter.events.StoredEvent;
import io.convrouter.events.Webhook;
import io.convrouter.events.WebhookDelivery;
import io.convrouter.events.WebhookSettings;
import io.convrouter.store.mongo.EmbeddedMongo;

/**
 * Routing events: the outbox the core publishes to (the {@code RoutingEvents} bean), the webhook
 * delivery worker (started and stopped with the context) and the operators' endpoints under
 * {@code /api/v1/events}.
 *
 * <p>Endpoints come from {@code routing.webhooks[i].url|secret|name|events} (application.yaml,
 * {@code config/application.yaml}, or environment variables such as {@code ROUTING_WEBHOOKS_0_SECRET});
 * delivery settings from {@code routing.events.*}. A bad setting stops the start with every problem
 * listed.
 */
@Configuration(proxyBeanMethods = false)
public class EventsConfiguration {
    private static final Logger log = LoggerFactory.getLogger(EventsConfiguration.class);

    /** One {@code routing.webhooks[i]} entry as written. */
    public record WebhookProperties(String name, String url, String secret, List<String> events) {}

    /** {@code routing.events.retry.*}. */
    public record RetryProperties(@DefaultValue("1s") Duration base, @DefaultValue("5m") Duration cap,
                                  @DefaultValue("15") int maxAttempts, @DefaultValue("0.2") double jitter) {}

    /** {@code routing.events.*}. */
    public record EventsProperties(@DefaultValue("50000") int maxStored, @DefaultValue RetryProperties retry,
                                   @DefaultValue("2s") Duration connectTimeout,
                                   @DefaultValue("5s") Duration requestTimeout,
                                   @DefaultValue("8") int maxInFlight,
                                   @DefaultValue("250ms") Duration pollInterval,
                                   @DefaultValue("0s") Duration rescanInterval,
                                   @DefaultValue("30s") Duration lease) {
        WebhookSettings settings() {
            return new WebhookSettings(maxStored, retry.base(), retry.cap(), retry.maxAttempts(), retry.jitter(),
                    connectTimeout, requestTimeout, maxInFlight, pollInterval, rescanInterval, lease);
        }
    }

    /** The endpoints and settings as configured, checked; every problem in one exception. */
    public record WebhookConfig(List<Webhook> webhooks, WebhookSettings settings) {
        public static WebhookConfig from(Environment env) {
            Binder binder = Binder.get(env);
            EventsProperties props = binder.bindOrCreate("routing.events", EventsProperties.class);
            List<String> problems = new ArrayList<>();
            List<Webhook> hooks = new ArrayList<>();
            for (int i = 0; i < MAX_WEBHOOKS; i++) {
                WebhookProperties p = webhookAt(binder, i);
                if (blank(p.url()) && blank(p.secret()) && blank(p.name()) && p.events().isEmpty()) {
                    continue; // no such entry, or an empty slot (e.g. an unset environment variable in a template)
                }
                Webhook h = Webhook.parse("routing.webhooks[" + i + "]", p.name(), p.url(), p.secret(), p.events(), problems);
                if (h != null) {
                    hooks.add(h);
                }
            }
            Webhook.checkUnique(hooks, problems);
            WebhookSettings settings = props.settings();
            problems.addAll(settings.problems("routing.events"));
            if (!problems.isEmpty()) {
                throw new IllegalStateException("Webhook configuration has " + problems.size() + " problem(s):\n  - "
                        + String.join("\n  - ", problems));
            }
            return new WebhookConfig(hooks, settings);
        }

        private static final int MAX_WEBHOOKS = 32;

        /**
         * Field by field, not as one list: Spring binds a list from the single property source that
         * defines it, so the URL in application.yaml and the secret in ROUTING_WEBHOOKS_0_SECRET would
         * not meet. Each field here comes from whichever source defines it with the highest priority.
         */
        private static WebhookProperties webhookAt(Binder binder, int i) {
            String p = "routing.webhooks[" + i + "].";
            return new WebhookProperties(
                    binder.bind(p + "name", String.class).orElse(null),
                    binder.bind(p + "url", String.class).orElse(null),
                    binder.bind(p + "secret", String.class).orElse(null),
                    binder.bind(p + "events", Bindable.listOf(String.class)).orElse(List.of()));
        }

        private static boolean blank(String s) {
            return s == null || s.isBlank();
        }
    }

    @Bean
    MongoEventStore eventStore(MongoDatabase db) {
        return new MongoEventStore(db);
    }

    /**
     * With the embedded store this is the only instance (the store lives in this JVM), so it takes
     * the delivery lease at once instead of waiting for a claim left by its own previous run to lapse.
     */
    @Bean
    WebhookDelivery webhookDelivery(MongoEventStore store, Environment env, Clock clock,
                                    ObjectProvider<EmbeddedMongo> embedded) {
        WebhookConfig config = WebhookConfig.from(env);
        boolean soleInstance = embedded.stream().findAny().isPresent();
        return new WebhookDelivery(store, config.webhooks(), config.settings(), clock, soleInstance);
    }

    /** What the routing core publishes to. */
    @Bean
    EventOutbox routingEvents(MongoEventStore store, WebhookDelivery delivery, Clock clock) {
        return new EventOutbox(store, delivery, clock);
    }

    /** Delivery starts once the context is up and stops first on shutdown, before the database client closes. */
    @Bean
    SmartLifecycle webhookDeliveryLifecycle(WebhookDelivery delivery) {
        return new SmartLifecycle() {
            @Override
            public void start() {
                delivery.start();
            }

            @Override
            public void stop() {
                delivery.stop();
            }

            @Override
            public boolean isRunning() {
                return delivery.running();
            }
        };
    }

    /** routing.events.* meters (published, lost, delivered, failed attempts, parked, dropped, waiting). */
    @Bean
    MeterBinder routingEventMetrics(EventOutbox outbox, WebhookDelivery delivery) {
        return registry -> {
            FunctionCounter.builder("routing.events.published", outbox, o -> o.stats().published()).register(registry);
            FunctionCounter.builder("routing.events.publish.failures", outbox, o -> o.stats().publishFailures())
                    .description("events that could not be stored (lost)").register(registry);
            FunctionCounter.builder("routing.events.delivered", delivery, d -> d.stats().delivered()).register(registry);
            FunctionCounter.builder("routing.events.delivery.failures", delivery, d -> d.stats().failedAttempts())
                    .register(registry);
            FunctionCounter.builder("routing.events.parked", delivery, d -> d.stats().parked()).register(registry);
            FunctionCounter.builder("routing.events.dropped", delivery, d -> d.stats().dropped()).register(registry);
            Gauge.builder("routing.events.pending", delivery, d -> d.stats().pending()).register(registry);
        };
    }

    /** For operators: what is configured, what waits, what failed; retry or discard a parked event. */
    @RestController
    @RequestMapping("/api/v1/events")
    public static class EventsController {
        private final MongoEventStore store;
        private final WebhookDelivery delivery;
        private final EventOutbox outbox;

        public EventsController(MongoEventStore store, WebhookDelivery delivery, EventOutbox outbox) {
            this.store = store;
            this.delivery = delivery;
            this.outbox = outbox;
        }

        public record WebhookView(String name, String url, List<String> events) {}

        public record Summary(List<WebhookView> webhooks, long stored, long failed, Map<String, Object> lease,
                              EventOutbox.Stats publishing, WebhookDelivery.Stats delivery) {}

        public record EventView(String id, String type, String conversationId, String agentId, Instant at, long sequence,
                                Instant storedAt, Map<String, Object> data, List<String> failedFor,
                                Map<String, DeliveryView> deliveries) {}

        public record DeliveryView(String state, int attempts, Instant lastAttemptAt, String lastError,
                                   Instant nextAttemptAt) {}

        @GetMapping
        public Summary summary() {
            List<WebhookView> hooks = delivery.webhooks().stream()
                    .map(h -> new WebhookView(h.name(), h.displayUrl(), h.events().isEmpty() ? List.of("*") : h.events()))
                    .toList();
            return new Summary(hooks, store.size(), store.failedCount(), store.lease().orElse(null), outbox.stats(),
                    delivery.stats());
        }

        @GetMapping("/failed")
        public List<EventView> failed(@RequestParam(defaultValue = "50") int limit) {
            if (limit < 1 || limit > 1000) {
                throw InvalidInputException.of("limit", "must be 1-1000");
            }
            return store.failed(limit).stream().map(EventsController::view).toList();
        }

        /** Sends a parked event again (to the endpoints it failed at), with fresh attempts. */
        @PostMapping("/{id}/retry")
        public EventView retry(@PathVariable String id) {
            MongoEventStore.OutboxRecord r = store.find(id).orElseThrow(() -> new NotFoundException("event", id));
            if (r.failedHooks().isEmpty()) {
                throw new ConflictException("event '" + id + "' is not parked as failed; it is still being delivered");
            }
            delivery.retryParked(id);
            log.info("Event {} put back in line for {} by an operator", id, r.failedHooks());
            return view(store.find(id).orElse(r));
        }

        /** Removes an event from the outbox (it will not be delivered). */
        @DeleteMapping("/{id}")
        @ResponseStatus(HttpStatus.NO_CONTENT)
        public void discard(@PathVariable String id) {
            if (!delivery.discard(id)) {
                throw new NotFoundException("event", id);
            }
            log.info("Event {} discarded by an operator", id);
        }

        private static EventView view(MongoEventStore.OutboxRecord r) {
            StoredEvent e = r.event();
            Map<String, DeliveryView> deliveries = new LinkedHashMap<>();
            for (Map.Entry<String, DeliveryState> d : r.deliveries().entrySet()) {
                DeliveryState s = d.getValue();
                deliveries.put(d.getKey(), new DeliveryView(s.state().wireName(), s.attempts(), s.lastAttemptAt(),
                        s.lastError(), s.nextAttemptAt()));
            }
            return new EventView(e.id(), e.type(), e.conversationId(), e.agentId(), e.at(), e.seq(), e.storedAt(),
                    e.data(), r.failedHooks(), deliveries);
        }
    }
}
