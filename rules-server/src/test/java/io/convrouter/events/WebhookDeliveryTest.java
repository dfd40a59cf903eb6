package io.convrouter.events;

import static io.convrouter.events.EventsFixture.SECRET;
import static io.convrouter.events.EventsFixture.hook;
import static io.convrouter.events.EventsFixture.settings;
import static io.convrouter.events.EventsFixture.settle;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import tools.jackson.databind.JsonNode;

/**
 * Webhook delivery end to end: the outbox on the embedded MongoDB, the worker on its own thread, and
 * a real HTTP endpoint on a loopback port. Time is a clock the test moves: retries happen exactly
 * when the clock reaches them, never because real time passed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebhookDeliveryTest {
    private final EventsFixture f = new EventsFixture();
    private WebhookReceiver receiver;

    @BeforeEach
    void setUp() throws Exception {
        f.newDatabase();
        receiver = new WebhookReceiver();
    }

    @AfterEach
    void tearDown() {
        f.workers.forEach(WebhookDelivery::stop);
        f.workers.clear();
        receiver.close();
    }

    @AfterAll
    void closeAll() {
        f.close();
    }

    @Test
    void deliversEachEventSignedWithTheSharedSecret() throws Exception {
        WebhookDelivery worker = f.startWorker(settings(), hook("crm", receiver.url("/hooks")));
        EventOutbox outbox = f.outbox(worker);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("queue", "vip-desk");
        data.put("offerExpiresAt", Instant.parse("2026-11-11T08:02:00Z"));
        data.put("candidates", List.of("a-1", "a-2"));
        data.put("plan", Map.of("priority", 90));
        outbox.publish(new RoutingEvent(RoutingEvent.OFFERED, "conv-1", "a-1", f.clock.instant(), data));
        settle(worker);

        assertThat(receiver.requests()).hasSize(1);
        WebhookReceiver.Request r = receiver.requests().get(0);
        // the signature is an HMAC-SHA256 of the raw body with the secret, computed here independently
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(SECRET.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String expected = "sha256=" + HexFormat.of().formatHex(mac.doFinal(r.body()));
        assertThat(r.header("X-Routing-Signature")).isEqualTo(expected);
        assertThat(WebhookSignature.verify(SECRET, r.body(), r.header("X-Routing-Signature"))).isTrue();
        assertThat(WebhookSignature.verify("another-secret", r.body(), r.header("X-Routing-Signature"))).isFalse();
        byte[] tampered = new String(r.body(), StandardCharsets.UTF_8).replace("a-1", "a-9").getBytes(StandardCharsets.UTF_8);
        assertThat(WebhookSignature.verify(SECRET, tampered, r.header("X-Routing-Signature"))).isFalse();

        assertThat(r.header("Content-Type")).isEqualTo("application/json");
        assertThat(r.header("X-Routing-Event-Id")).isEqualTo("conv-1-1").isEqualTo(r.eventId());
        assertThat(r.header("X-Routing-Event-Type")).isEqualTo(RoutingEvent.OFFERED);
        assertThat(r.header("X-Routing-Timestamp")).isEqualTo(Long.toString(EventsFixture.T0.getEpochSecond()));
        assertThat(r.header("X-Routing-Delivery-Attempt")).isEqualTo("1");
        JsonNode body = r.json();
        assertThat(body.get("type").asString()).isEqualTo(RoutingEvent.OFFERED);
        assertThat(body.get("conversationId").asString()).isEqualTo("conv-1");
        assertThat(body.get("agentId").asString()).isEqualTo("a-1");
        assertThat(body.get("at").asString()).isEqualTo(EventsFixture.T0.toString());
        assertThat(body.get("sequence").asLong()).isEqualTo(1);
        assertThat(body.get("data").get("offerExpiresAt").asString()).isEqualTo("2026-11-11T08:02:00Z");
        assertThat(body.get("data").get("candidates").get(1).asString()).isEqualTo("a-2");
        assertThat(body.get("data").get("plan").get("priority").asInt()).isEqualTo(90);

        assertThat(f.store.size()).as("delivered events leave the outbox").isZero();
        assertThat(worker.stats().delivered()).isEqualTo(1);
    }

    @Test
    void keepsEachConversationInOrderUnderInterleavedPublishingAndFailures() throws Exception {
        int threads = 8;
        int conversations = 12;
        int stepsPerThread = 6;
        Random random = new Random(42);
        // a quarter of all requests fail, so retries of one conversation interleave with the others' deliveries
        receiver.respond(r -> {
            synchronized (random) {
                return random.nextInt(4) == 0 ? 500 : 200;
            }
        });
        WebhookDelivery worker = f.startWorker(settings().withBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 50, 0.0),
                hook("crm", receiver.url("/hooks")));
        EventOutbox outbox = f.outbox(worker);

        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int thread = t;
            done.add(pool.submit(() -> {
                start.await();
                List<Integer> order = new ArrayList<>();
                for (int c = 0; c < conversations; c++) {
                    for (int s = 0; s < stepsPerThread; s++) {
                        order.add(c);
                    }
                }
                Collections.shuffle(order, new Random(thread));
                int[] step = new int[conversations];
                for (int c : order) {
                    Map<String, Object> data = Map.of("thread", thread, "step", step[c]++);
                    outbox.publish(new RoutingEvent(RoutingEvent.QUEUED, "conv-" + c, null, f.clock.instant(), data));
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> d : done) {
            d.get();
        }
        pool.shutdown();
        int total = threads * conversations * stepsPerThread;
        for (int round = 0; round < 100 && receiver.delivered("/hooks").size() < total; round++) {
            f.advance(worker, Duration.ofMinutes(1));
        }

        List<WebhookReceiver.Request> delivered = receiver.delivered("/hooks");
        assertThat(delivered).hasSize(total);
        assertThat(receiver.requests().size()).as("some requests failed and were retried").isGreaterThan(total);
        for (int c = 0; c < conversations; c++) {
            String conversation = "conv-" + c;
            // every request for the conversation, failed or not, is for the first event it has not delivered yet
            long succeeded = 0;
            for (WebhookReceiver.Request r : receiver.requests()) {
                if (r.conversationId().equals(conversation)) {
                    assertThat(r.sequence()).as("%s: request for #%d after #%d succeeded", conversation, r.sequence(),
                            succeeded).isEqualTo(succeeded + 1);
                    if (r.ok()) {
                        succeeded++;
                    }
                }
            }
            assertThat(succeeded).isEqualTo((long) threads * stepsPerThread);
            // and each publishing thread's events arrive in the order that thread published them
            int[] lastStep = new int[threads];
            java.util.Arrays.fill(lastStep, -1);
            for (WebhookReceiver.Request r : delivered) {
                if (r.conversationId().equals(conversation)) {
                    int thread = r.json().get("data").get("thread").asInt();
                    int step = r.json().get("data").get("step").asInt();
                    assertThat(step).isEqualTo(lastStep[thread] + 1);
                    lastStep[thread] = step;
                }
            }
        }
        assertThat(f.store.size()).isZero();
    }

    @Test
    void retriesAFailingEndpointWithExponentialBackoffOnTheClock() {
        AtomicInteger failuresLeft = new AtomicInteger(3);
        receiver.respond(r -> failuresLeft.getAndDecrement() > 0 ? 503 : 200);
        WebhookDelivery worker = f.startWorker(settings(), hook("crm", receiver.url("/hooks")));
        EventOutbox outbox = f.outbox(worker);

        outbox.publish(f.event(RoutingEvent.OFFERED, "conv-1", 1));
        settle(worker);
        assertThat(receiver.requests()).hasSize(1);
        DeliveryState state = f.store.find("conv-1-1").orElseThrow().deliveries().get("crm");
        assertThat(state.attempts()).isEqualTo(1);
        assertThat(state.lastError()).isEqualTo("HTTP 503");
        assertThat(state.nextAttemptAt()).isEqualTo(EventsFixture.T0.plusSeconds(1));

        // a later event of the same conversation waits behind the failing one
        outbox.publish(f.event(RoutingEvent.ACCEPTED, "conv-1", 2));
        settle(worker);
        assertThat(receiver.requests()).hasSize(1);

        // 1 s, then 2 s, then 4 s: nothing happens a millisecond early, the retry happens on time
        f.advance(worker, Duration.ofMillis(999));
        assertThat(receiver.requests()).hasSize(1);
        f.advance(worker, Duration.ofMillis(1));
        assertThat(receiver.requests()).hasSize(2);
        f.advance(worker, Duration.ofMillis(1999));
        assertThat(receiver.requests()).hasSize(2);
        f.advance(worker, Duration.ofMillis(1));
        assertThat(receiver.requests()).hasSize(3);
        f.advance(worker, Duration.ofMillis(3999));
        assertThat(receiver.requests()).hasSize(3);
        f.advance(worker, Duration.ofMillis(1));

        List<WebhookReceiver.Request> all = receiver.requests();
        assertThat(all).extracting(WebhookReceiver.Request::eventId)
                .containsExactly("conv-1-1", "conv-1-1", "conv-1-1", "conv-1-1", "conv-1-2");
        assertThat(all).extracting(WebhookReceiver.Request::status).containsExactly(503, 503, 503, 200, 200);
        assertThat(all).extracting(r -> r.header("X-Routing-Delivery-Attempt")).containsExactly("1", "2", "3", "4", "1");
        assertThat(all.get(3).body()).as("every attempt sends the same bytes").isEqualTo(all.get(0).body());
        assertThat(f.store.size()).isZero();
        assertThat(worker.stats().failedAttempts()).isEqualTo(3);
    }

    @Test
    void parksAnEventAfterTheLastAttemptMovesOnAndRetriesItOnRequest() {
        AtomicInteger healthy = new AtomicInteger(0);
        receiver.respond(r -> healthy.get() == 0 && r.json().get("data").get("step").asInt() == 1 ? 500 : 200);
        WebhookSettings settings = settings().withBackoff(Duration.ofSeconds(1), Duration.ofMinutes(1), 3, 0.0);
        WebhookDelivery worker = f.startWorker(settings, hook("crm", receiver.url("/hooks")));
        EventOutbox outbox = f.outbox(worker);

        outbox.publish(f.event(RoutingEvent.OFFERED, "conv-1", 1));
        outbox.publish(f.event(RoutingEvent.ACCEPTED, "conv-1", 2));
        settle(worker);
        f.advance(worker, Duration.ofSeconds(1));
        assertThat(receiver.delivered("/hooks")).isEmpty();
        f.advance(worker, Duration.ofSeconds(2));

        // three attempts, then parked; the conversation's next event goes out
        assertThat(receiver.requests()).extracting(WebhookReceiver.Request::eventId)
                .containsExactly("conv-1-1", "conv-1-1", "conv-1-1", "conv-1-2");
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::eventId).containsExactly("conv-1-2");
        List<MongoEventStore.OutboxRecord> failed = f.store.failed(10);
        assertThat(failed).hasSize(1);
        assertThat(failed.get(0).event().id()).isEqualTo("conv-1-1");
        assertThat(failed.get(0).failedHooks()).containsExactly("crm");
        assertThat(failed.get(0).deliveries().get("crm").attempts()).isEqualTo(3);
        assertThat(failed.get(0).deliveries().get("crm").lastError()).isEqualTo("HTTP 500");
        assertThat(worker.stats().parked()).isEqualTo(1);
        assertThat(worker.stats().parkedNow()).isEqualTo(1);

        // nothing more happens to a parked event, however long we wait
        f.advance(worker, Duration.ofHours(1));
        assertThat(receiver.requests()).hasSize(4);

        healthy.set(1);
        assertThat(worker.retryParked("conv-1-1")).isTrue();
        assertThat(worker.retryParked("conv-1-2")).as("not parked").isFalse();
        settle(worker);
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::eventId)
                .containsExactly("conv-1-2", "conv-1-1");
        assertThat(receiver.requests().get(4).header("X-Routing-Delivery-Attempt")).isEqualTo("1");
        assertThat(f.store.failed(10)).isEmpty();
        assertThat(f.store.size()).isZero();
        assertThat(worker.stats().parkedNow()).isZero();
    }

    @Test
    void aFailingEndpointOrConversationDoesNotStallTheOthers() {
        AtomicInteger healthy = new AtomicInteger(0);
        receiver.respond(r -> healthy.get() == 0 && (r.path().equals("/down") || "conv-bad".equals(r.conversationId()))
                ? 500 : 200);
        WebhookDelivery worker = f.startWorker(settings(), hook("down", receiver.url("/down")),
                hook("up", receiver.url("/up")));
        EventOutbox outbox = f.outbox(worker);
        List<String> conversations = List.of("conv-bad", "conv-1", "conv-2", "conv-3", "conv-4", "conv-5");
        for (int step = 1; step <= 3; step++) {
            for (String c : conversations) {
                outbox.publish(f.event(RoutingEvent.QUEUED, c, step));
            }
        }
        settle(worker); // the clock has not moved: only first attempts

        assertThat(receiver.delivered("/up")).as("the healthy endpoint has every healthy conversation's events")
                .hasSize(15)
                .allSatisfy(r -> assertThat(r.conversationId()).isNotEqualTo("conv-bad"));
        assertThat(receiver.requests("/up")).filteredOn(r -> r.conversationId().equals("conv-bad"))
                .extracting(WebhookReceiver.Request::eventId).containsExactly("conv-bad-1");
        assertThat(receiver.requests("/down")).as("one attempt per conversation at the failing endpoint")
                .extracting(WebhookReceiver.Request::sequence).hasSize(6).containsOnly(1L);

        healthy.set(1);
        f.advance(worker, Duration.ofSeconds(1));
        for (String path : List.of("/up", "/down")) {
            for (String c : conversations) {
                assertThat(receiver.delivered(path)).filteredOn(r -> r.conversationId().equals(c))
                        .extracting(WebhookReceiver.Request::sequence).as("%s %s", path, c).containsExactly(1L, 2L, 3L);
            }
        }
        assertThat(f.store.size()).isZero();
    }

    @Test
    void deliversWhatWasStoredButNotDeliveredAfterARestart() {
        AtomicInteger okLeft = new AtomicInteger(2);
        receiver.respond(r -> okLeft.getAndDecrement() > 0 ? 200 : 503);
        WebhookDelivery first = f.startWorker(settings(), hook("crm", receiver.url("/hooks")));
        EventOutbox outbox = f.outbox(first);
        for (int step = 1; step <= 5; step++) {
            outbox.publish(f.event(RoutingEvent.QUEUED, "conv-1", step));
        }
        settle(first);
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::sequence).containsExactly(1L, 2L);
        first.stop();

        // stored while nothing delivers
        outbox.publish(f.event(RoutingEvent.OFFERED, "conv-1", 6));
        outbox.publish(f.event(RoutingEvent.OFFERED, "conv-2", 1));
        assertThat(f.store.size()).isEqualTo(5);

        // a new worker (as after a restart of the server) finds them in the outbox
        receiver.respond(r -> 200);
        WebhookDelivery second = f.startWorker(settings(), hook("crm", receiver.url("/hooks")));
        settle(second);
        assertThat(receiver.delivered("/hooks")).filteredOn(r -> r.conversationId().equals("conv-2"))
                .extracting(WebhookReceiver.Request::sequence).containsExactly(1L);
        // conv-1's #3 failed once before the restart: its retry keeps its backoff, then the rest follow
        f.advance(second, Duration.ofSeconds(1));
        assertThat(receiver.delivered("/hooks")).filteredOn(r -> r.conversationId().equals("conv-1"))
                .extracting(WebhookReceiver.Request::sequence).containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
        assertThat(receiver.requests()).filteredOn(r -> r.eventId().equals("conv-1-3"))
                .extracting(r -> r.header("X-Routing-Delivery-Attempt")).containsExactly("1", "2");
        assertThat(f.store.size()).isZero();
    }

    @Test
    void publishNeverWaitsForAnEndpointThatDoesNotAnswer() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        receiver.respond(r -> {
            try {
                release.await(); // the endpoint accepts the connection and never answers
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return 200;
        });
        WebhookSettings settings = settings().withTimeouts(Duration.ofSeconds(1), Duration.ofMinutes(1))
                .withPolling(Duration.ofMillis(20), Duration.ZERO, Duration.ofMinutes(5));
        WebhookDelivery worker = f.startWorker(settings, hook("slow", receiver.url("/slow")));
        EventOutbox outbox = f.outbox(worker);
        try {
            long slowest = 0;
            for (int i = 0; i < 2_000; i++) {
                long t = System.nanoTime();
                outbox.publish(f.event(RoutingEvent.QUEUED, "conv-" + (i % 100), i));
                slowest = Math.max(slowest, System.nanoTime() - t);
            }
            assertThat(outbox.stats().published()).isEqualTo(2_000);
            assertThat(outbox.stats().publishFailures()).isZero();
            assertThat(f.store.size()).isEqualTo(2_000);
            // a store round trip, not a request timeout (1 min here)
            assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(2));
            org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> worker.stats().inFlight() == 8);
            assertThat(worker.stats().inFlight()).as("at most max-in-flight requests per endpoint").isEqualTo(8);
            assertThat(worker.stats().streams()).isEqualTo(100);
        } finally {
            release.countDown();
        }
        // once the endpoint answers, everything goes out, in order per conversation
        settle(worker);
        assertThat(receiver.delivered("/slow")).hasSize(2_000);
        for (int c = 0; c < 100; c++) {
            String conversation = "conv-" + c;
            assertThat(receiver.delivered("/slow")).filteredOn(r -> r.conversationId().equals(conversation))
                    .extracting(WebhookReceiver.Request::sequence)
                    .containsExactlyElementsOf(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList());
        }
        assertThat(f.store.size()).isZero();
    }


    @Test
    void publishNeverThrowsWhenTheEndpointRefusesConnections() {
        java.net.URI closed;
        try (java.net.ServerSocket s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            closed = java.net.URI.create("http://127.0.0.1:" + s.getLocalPort() + "/gone");
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
        WebhookDelivery worker = f.startWorker(settings(), hook("gone", closed));
        EventOutbox outbox = f.outbox(worker);
        for (int i = 0; i < 200; i++) {
            outbox.publish(f.event(RoutingEvent.QUEUED, "conv-" + (i % 10), i));
        }
        settle(worker);
        assertThat(outbox.stats().publishFailures()).isZero();
        assertThat(f.store.size()).isEqualTo(200);
        DeliveryState head = f.store.find("conv-0-1").orElseThrow().deliveries().get("gone");
        assertThat(head.attempts()).isEqualTo(1);
        assertThat(head.lastError()).startsWith("cannot connect");
        assertThat(worker.stats().failedAttempts()).isEqualTo(10);
    }

    @Test
    void withoutWebhooksEventsAreStoredButNotDeliveredThenDeliveredOnceOneIsConfigured() {
        WebhookDelivery unconfigured = f.startWorker(settings());
        EventOutbox outbox = f.outbox(unconfigured);
        for (int step = 1; step <= 4; step++) {
            outbox.publish(f.event(RoutingEvent.QUEUED, "conv-1", step));
        }
        settle(unconfigured);
        assertThat(f.store.size()).isEqualTo(4);
        assertThat(unconfigured.stats().pending()).isEqualTo(4);
        assertThat(unconfigured.stats().delivered()).isZero();
        assertThat(receiver.requests()).isEmpty();
        unconfigured.stop();

        WebhookDelivery configured = f.startWorker(settings(), hook("crm", receiver.url("/hooks")));
        settle(configured);
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::sequence)
                .containsExactly(1L, 2L, 3L, 4L);
        assertThat(f.store.size()).isZero();
    }

    @Test
    void keepsAtMostMaxStoredUndeliveredEventsDroppingTheOldest() {
        WebhookDelivery worker = f.startWorker(settings().withMaxStored(10));
        EventOutbox outbox = f.outbox(worker);
        for (int step = 1; step <= 25; step++) {
            outbox.publish(f.event(RoutingEvent.QUEUED, "conv-" + (step % 3), step));
            f.clock.advance(Duration.ofMillis(1)); // "oldest" is by the time stored (milliseconds)
        }
        settle(worker);
        assertThat(f.store.size()).isEqualTo(10);
        assertThat(worker.stats().dropped()).isEqualTo(15);
        List<Integer> kept = new ArrayList<>();
        f.store.forEach(r -> kept.add(((Number) r.event().data().get("step")).intValue()));
        assertThat(kept).containsExactlyInAnyOrder(16, 17, 18, 19, 20, 21, 22, 23, 24, 25);
    }

    @Test
    void anEndpointReceivesOnlyTheEventTypesItAsksFor() {
        WebhookDelivery worker = f.startWorker(settings(),
                hook("closures", receiver.url("/closures"), RoutingEvent.CLOSED, "queue.*"),
                hook("all", receiver.url("/all")));
        EventOutbox outbox = f.outbox(worker);
        outbox.publish(f.event(RoutingEvent.OFFERED, "conv-1", 1));
        outbox.publish(f.event(RoutingEvent.ACCEPTED, "conv-1", 2));
        outbox.publish(f.event(RoutingEvent.CLOSED, "conv-1", 3));
        outbox.publish(new RoutingEvent(RoutingEvent.QUEUE_WAIT_ALERT, null, null, f.clock.instant(),
                Map.of("queue", "vip-desk", "estimatedWaitSeconds", 95)));
        settle(worker);
        assertThat(receiver.delivered("/closures")).extracting(r -> r.json().get("type").asString())
                .containsExactlyInAnyOrder(RoutingEvent.CLOSED, RoutingEvent.QUEUE_WAIT_ALERT); // two streams
        assertThat(receiver.delivered("/all")).extracting(r -> r.json().get("type").asString())
                .containsExactlyInAnyOrder(RoutingEvent.OFFERED, RoutingEvent.ACCEPTED, RoutingEvent.CLOSED,
                        RoutingEvent.QUEUE_WAIT_ALERT);
        assertThat(receiver.delivered("/all")).filteredOn(r -> "conv-1".equals(r.conversationId()))
                .extracting(WebhookReceiver.Request::sequence).containsExactly(1L, 2L, 3L);
        assertThat(receiver.delivered("/all")).filteredOn(r -> r.json().get("conversationId").isNull())
                .extracting(WebhookReceiver.Request::eventId).containsExactly("queue:vip-desk-1");
        assertThat(f.store.size()).isZero();
    }

    @Test
    void onlyOneInstanceDeliversAndAnotherTakesOverWhenItStops() {
        WebhookSettings settings = settings();
        WebhookDelivery a = f.startWorker(settings, hook("crm", receiver.url("/hooks")));
        settle(a);
        WebhookDelivery b = f.startWorker(settings, hook("crm", receiver.url("/hooks")));
        settle(b);
        assertThat(a.stats().delivering()).isTrue();
        assertThat(b.stats().delivering()).isFalse();

        // stored through the instance that does not deliver: it signals them, the delivering one reads
        // the signals every second
        EventOutbox viaB = f.outbox(b);
        viaB.publish(f.event(RoutingEvent.QUEUED, "conv-1", 1));
        viaB.publish(f.event(RoutingEvent.OFFERED, "conv-1", 2));
        settle(b);
        settle(a);
        assertThat(receiver.requests()).isEmpty();
        assertThat(f.db.getCollection(MongoEventStore.SIGNALS).countDocuments()).isEqualTo(2);
        f.advance(a, Duration.ofSeconds(1));
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::eventId)
                .containsExactly("conv-1-1", "conv-1-2");

        a.stop();
        f.clock.advance(Duration.ofSeconds(10)); // b tries the lease again
        settle(b);
        assertThat(b.stats().delivering()).isTrue();
        viaB.publish(f.event(RoutingEvent.ACCEPTED, "conv-1", 3));
        settle(b);
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::eventId)
                .containsExactly("conv-1-1", "conv-1-2", "conv-1-3");
        assertThat(f.db.getCollection(MongoEventStore.SIGNALS).countDocuments()).isZero();
    }

    @Test
    void aLeaseLeftByACrashedRunLapsesUnlessThisIsTheOnlyInstance() {
        f.db.getCollection(MongoEventStore.LEASES).insertOne(new org.bson.Document("_id", MongoEventStore.LEASE_ID)
                .append("owner", "crashed-run").append("until", java.util.Date.from(f.clock.instant().plusSeconds(30))));
        f.store.insert(StoredEvent.of("conv-1", 1, f.event(RoutingEvent.QUEUED, "conv-1", 1), f.clock.instant()));

        WebhookDelivery shared = f.startWorker(settings(), hook("crm", receiver.url("/hooks")));
        settle(shared);
        assertThat(shared.stats().delivering()).isFalse();
        f.advance(shared, Duration.ofSeconds(29));
        assertThat(receiver.requests()).isEmpty();
        f.advance(shared, Duration.ofSeconds(8)); // lapsed; tried again a quarter of a lease after the last try
        assertThat(shared.stats().delivering()).isTrue();
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::eventId).containsExactly("conv-1-1");
        shared.stop();

        // with the embedded store no other instance can hold it: take it at once
        f.db.getCollection(MongoEventStore.LEASES).replaceOne(new org.bson.Document("_id", MongoEventStore.LEASE_ID),
                new org.bson.Document("_id", MongoEventStore.LEASE_ID).append("owner", "crashed-run")
                        .append("until", java.util.Date.from(f.clock.instant().plusSeconds(30))),
                new com.mongodb.client.model.ReplaceOptions().upsert(true));
        f.store.insert(StoredEvent.of("conv-1", 2, f.event(RoutingEvent.OFFERED, "conv-1", 2), f.clock.instant()));
        WebhookDelivery sole = f.startWorker(true, settings(), hook("crm", receiver.url("/hooks")));
        settle(sole);
        assertThat(sole.stats().delivering()).isTrue();
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::eventId)
                .containsExactly("conv-1-1", "conv-1-2");
    }

    @Test
    void aDiscardedEventIsNotDelivered() {
        receiver.respond(r -> 500);
        WebhookDelivery worker = f.startWorker(settings(), hook("crm", receiver.url("/hooks")));
        EventOutbox outbox = f.outbox(worker);
        outbox.publish(f.event(RoutingEvent.QUEUED, "conv-1", 1));
        outbox.publish(f.event(RoutingEvent.OFFERED, "conv-1", 2));
        settle(worker);
        assertThat(worker.discard("conv-1-1")).isTrue();
        assertThat(worker.discard("conv-1-1")).isFalse();
        receiver.respond(r -> 200);
        settle(worker);
        f.advance(worker, Duration.ofSeconds(1));
        assertThat(receiver.delivered("/hooks")).extracting(WebhookReceiver.Request::eventId).containsExactly("conv-1-2");
        assertThat(f.store.size()).isZero();
    }
}
