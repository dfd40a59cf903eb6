package io.convrouter.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import io.convrouter.testing.JsonHttp;
import io.convrouter.testing.ServerProcess;
import tools.jackson.databind.JsonNode;

/**
 * Acknowledged means durable: the server runs as its own process on the H2 file backend, clients
 * post and close conversations as fast as they can, and the process is killed with SIGKILL in
 * the middle of it. Started again on the same data directory, every conversation the server
 * acknowledged with 201 is there with its routing decision, every acknowledged close is there,
 * agents' load agrees with their conversations, and routing carries on.
 */
class KillDurabilityTest {
    static final int POSTERS = 6;
    static final int ACKS_BEFORE_KILL = 150;
    static final int MIN_ACKS = 30;
    static final int CAPACITY = 3;
    static final List<String> ROSTER = List.of("k-1", "k-2");

    @TempDir
    Path dir;

    record Ack(String externalId, String id, String decisionId, String status, String agentId) {}

    @Test
    @Timeout(180)
    void acknowledgedWritesSurviveKillDashNine() throws Exception {
        Path data = dir.resolve("data");
        Map<String, Ack> acked = new ConcurrentHashMap<>();
        Set<String> unanswered = ConcurrentHashMap.newKeySet();
        Set<String> closesAcked = ConcurrentHashMap.newKeySet();

        try (ServerProcess server = start(data, "first")) {
            JsonHttp http = server.http();
            for (String id : ROSTER) {
                assertThat(http.put("/api/v1/agents/" + id,
                        JsonHttp.agent("Agent " + id, Map.of("web", CAPACITY))).status()).isIn(200, 201);
                assertThat(http.put("/api/v1/agents/" + id + "/presence", Map.of("status", "online")).status())
                        .isEqualTo(200);
            }

            AtomicBoolean stop = new AtomicBoolean();
            AtomicInteger next = new AtomicInteger();
            ConcurrentLinkedQueue<Throwable> clientErrors = new ConcurrentLinkedQueue<>();
            List<Thread> clients = new ArrayList<>();
            for (int t = 0; t < POSTERS; t++) {
                clients.add(new Thread(() -> {
                    while (!stop.get()) {
                        String ext = "kill-" + next.getAndIncrement();
                        unanswered.add(ext);
                        JsonHttp.Response r;
                        try {
                            r = http.post("/api/v1/conversations", JsonHttp.refundConversation("web", ext));
                        } catch (UncheckedIOException serverGone) {
                            return;
                        }
                        if (r.status() != 201) {
                            clientErrors.add(new AssertionError("POST " + ext + " answered " + r.status() + ": "
                                    + r.raw()));
                            return;
                        }
                        acked.put(ext, new Ack(ext, r.text("id"), r.text("decisionId"), r.text("status"),
                                r.text("agentId")));
                        unanswered.remove(ext);
                    }
                }, "poster-" + t));
            }
            clients.add(new Thread(() -> {
                Random random = new Random(1);
                while (!stop.get()) {
                    try {
                        String agentId = ROSTER.get(random.nextInt(ROSTER.size()));
                        JsonNode held = http.get("/api/v1/agents/" + agentId).body().path("conversations");
                        if (held.isEmpty()) {
                            continue;
                        }
                        String id = held.get(random.nextInt(held.size())).asString();
                        JsonHttp.Response r = http.post("/api/v1/conversations/" + id + "/close",
                                Map.of("outcome", "resolved"));
                        if (r.status() == 200) {
                            closesAcked.add(id);
                        }
                    } catch (UncheckedIOException serverGone) {
                        return;
                    }
                }
            }, "closer"));
            clients.forEach(Thread::start);

            // Kill once enough has been acknowledged; on a very slow machine, kill with what there is by then.
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (acked.size() < ACKS_BEFORE_KILL && clientErrors.isEmpty() && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            server.kill();
            stop.set(true);
            for (Thread c : clients) {
                c.join(30_000);
            }
            assertThat(clientErrors).as("answers before the kill").isEmpty();
            assertThat(acked.size()).as("conversations acknowledged before the kill (server output:%n%s)",
                    server.output()).isGreaterThanOrEqualTo(MIN_ACKS);
        }
        System.out.printf("kill -9 after %d acknowledged conversations, %d acknowledged closes, %d requests in flight%n",
                acked.size(), closesAcked.size(), unanswered.size());

        try (ServerProcess server = start(data, "second")) {
            try {
                verifyAfterRestart(server.http(), acked, unanswered, closesAcked);
            } catch (AssertionError | RuntimeException e) {
                keepForAnalysis(data);
                throw new AssertionError(e.getMessage() + "\n--- server output after the restart:\n" + server.output(), e);
            }
        }
    }

    static void verifyAfterRestart(JsonHttp http, Map<String, Ack> acked, Set<String> unanswered,
                                   Set<String> closesAcked) {
        for (Ack a : acked.values()) {
            JsonHttp.Response r = http.get("/api/v1/conversations/" + a.id());
            assertThat(r.status()).as("acknowledged conversation %s (%s)", a.id(), a.externalId()).isEqualTo(200);
            assertThat(r.text("externalId")).isEqualTo(a.externalId());
            assertThat(r.text("decisionId")).isEqualTo(a.decisionId());
            String status = r.text("status");
            if (a.status().equals("assigned")) {
                assertThat(status).as("%s was acknowledged as assigned", a.id()).isIn("assigned", "closed");
                assertThat(r.text("agentId")).isEqualTo(a.agentId());
            } else {
                assertThat(status).as("%s was acknowledged as queued", a.id()).isIn("queued", "assigned", "closed");
            }
            List<String> trail = new ArrayList<>();
            List<String> kinds = new ArrayList<>();
            http.get("/api/v1/conversations/" + a.id() + "/decisions").body().forEach(d -> {
                trail.add(d.path("id").asString());
                kinds.add(d.path("kind").asString());
            });
            assertThat(trail).as("the acknowledged routing decision of %s", a.id()).contains(a.decisionId());
            assertThat(kinds.get(trail.indexOf(a.decisionId()))).isEqualTo("routed");
        }

        for (String id : closesAcked) {
            JsonHttp.Response r = http.get("/api/v1/conversations/" + id);
            assertThat(r.text("status")).as("acknowledged close of %s", id).isEqualTo("closed");
            assertThat(r.text("outcome")).isEqualTo("resolved");
            List<String> kinds = new ArrayList<>();
            http.get("/api/v1/conversations/" + id + "/decisions").body()
                    .forEach(d -> kinds.add(d.path("kind").asString()));
            assertThat(kinds).as("decisions of closed %s", id).contains("closed");
        }

        // After recovery, each agent's load is exactly the conversations assigned to it.
        Set<String> held = new HashSet<>();
        for (String agentId : ROSTER) {
            JsonNode agent = http.get("/api/v1/agents/" + agentId).body();
            List<String> conversations = new ArrayList<>();
            agent.path("conversations").forEach(c -> conversations.add(c.asString()));
            assertThat(agent.path("load").path("web").asInt()).as("%s load", agentId)
                    .isEqualTo(conversations.size()).isLessThanOrEqualTo(CAPACITY);
            for (String id : conversations) {
                JsonHttp.Response c = http.get("/api/v1/conversations/" + id);
                assertThat(c.text("status")).as("%s held by %s", id, agentId).isEqualTo("assigned");
                assertThat(c.text("agentId")).isEqualTo(agentId);
                assertThat(held.add(id)).as("%s held twice", id).isTrue();
            }
        }
        for (Ack a : acked.values()) {
            JsonHttp.Response c = http.get("/api/v1/conversations/" + a.id());
            if ("assigned".equals(c.text("status"))) {
                assertThat(held).as("assigned %s is held by its agent", a.id()).contains(a.id());
            }
        }

        // Idempotency holds across the crash: acknowledged messages delivered again are the same conversation.
        for (Ack a : acked.values()) {
            JsonHttp.Response again = http.post("/api/v1/conversations",
                    JsonHttp.refundConversation("web", a.externalId()));
            assertThat(again.status()).as("redelivery of %s: %s", a.externalId(), again.raw()).isEqualTo(200);
            assertThat(again.text("id")).isEqualTo(a.id());
        }
        // Messages whose answer was lost in the crash can be sent again: stored once, never twice.
        int recoveredWithoutDecision = 0;
        for (String ext : unanswered) {
            JsonHttp.Response first = http.post("/api/v1/conversations", JsonHttp.refundConversation("web", ext));
            assertThat(first.status()).as("retry of %s: %s", ext, first.raw()).isIn(200, 201);
            JsonHttp.Response second = http.post("/api/v1/conversations", JsonHttp.refundConversation("web", ext));
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.text("id")).isEqualTo(first.text("id"));
            if (first.status() == 200) {
                List<String> trail = new ArrayList<>();
                http.get("/api/v1/conversations/" + first.text("id") + "/decisions").body()
                        .forEach(d -> trail.add(d.path("id").asString()));
                if (!trail.contains(first.text("decisionId"))) {
                    recoveredWithoutDecision++;
                }
            }
        }
        System.out.printf("%d unanswered messages retried; %d of them had been stored without their decision%n",
                unanswered.size(), recoveredWithoutDecision);

        // And routing carries on.
        JsonHttp.Response fresh = http.post("/api/v1/conversations", JsonHttp.refundConversation("web", "after"));
        assertThat(fresh.status()).as(fresh.raw()).isEqualTo(201);
    }

    /** {@code -Dkill.keep-data=/some/dir} keeps the data directory of a failed run there. */
    static void keepForAnalysis(Path data) throws java.io.IOException {
        String target = System.getProperty("kill.keep-data");
        if (target != null) {
            Path to = Path.of(target);
            java.nio.file.Files.createDirectories(to);
            try (var files = java.nio.file.Files.list(data)) {
                for (Path f : files.toList()) {
                    java.nio.file.Files.copy(f, to.resolve(f.getFileName()),
                            java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }

    static ServerProcess start(Path data, String name) throws InterruptedException {
        ServerProcess p = ServerProcess.start(data.resolveSibling(name + ".log"),
                "--routing.embedded.backend=file",
                "--routing.embedded.data-dir=" + data.toAbsolutePath(),
                "--routing.embedded.cache-size-mb=32",
                "--routing.rules-dir=../rules",
                "--routing.workbench-dir=../workbench-config",
                "--logging.level.root=warn");
        return p.awaitHealthy(Duration.ofSeconds(90));
    }
}
