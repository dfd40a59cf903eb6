package io.convrouter.policy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import io.convrouter.classify.PolicyFile;
import io.convrouter.classify.RulesetCompiler;
import io.convrouter.testing.JsonHttp;
import io.convrouter.testing.RoutingApp;
import tools.jackson.databind.JsonNode;

/**
 * The watched rules directory: a server on a copy of rules/ that checks it every 100 ms. Editing a
 * file makes a candidate version (nothing goes live by itself); with rules-auto-activate a valid
 * change goes live and a broken one does not.
 */
class PolicyDirectoryWatchTest {
    @TempDir
    Path rules;

    @BeforeEach
    void copyTheRulesDirectory() throws IOException {
        try (Stream<Path> files = Files.list(PolicyFixtures.RULES_DIR)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                Files.copy(f, rules.resolve(f.getFileName().toString()));
            }
        }
    }

    private RoutingApp start(boolean autoActivate) {
        return RoutingApp.start("--routing.rules-dir=" + rules.toAbsolutePath(), "--routing.rules-watch-interval=100ms",
                "--routing.rules-auto-activate=" + autoActivate);
    }

    /** Replaces a file the way editors save: written next to it under a hidden name, then moved over it. */
    private void save(String name, byte[] content) throws IOException {
        Path tmp = rules.resolve("." + name + "." + UUID.randomUUID() + ".tmp");
        Files.write(tmp, content);
        Files.move(tmp, rules.resolve(name), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    /** The version the directory's files make now (a content hash, as the server computes it). */
    private String directoryVersion() throws IOException {
        List<PolicyFile> files = new ArrayList<>();
        try (Stream<Path> list = Files.list(rules)) {
            for (Path f : list.filter(Files::isRegularFile).sorted().toList()) {
                PolicyFile p = new PolicyFile(f.getFileName().toString(), Files.readAllBytes(f));
                if (p.isRulesetFile() && !p.path().startsWith(".")) {
                    files.add(p);
                }
            }
        }
        return RulesetCompiler.versionOf(files);
    }

    private static JsonNode versionListed(JsonHttp http, String version) {
        for (JsonNode v : http.get("/api/v1/rulesets").body().get("versions")) {
            if (v.get("version").asString().equals(version)) {
                return v;
            }
        }
        return null;
    }

    private static <T> T await(String what, Supplier<T> probe) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (true) {
            T value = probe.get();
            if (value != null) {
                return value;
            }
            if (System.nanoTime() > deadline) {
                return fail("gave up waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static JsonHttp.Response refund(JsonHttp http) {
        JsonHttp.Response r = http.post("/api/v1/conversations", Map.of("channel", "web", "externalId",
                "ext-" + UUID.randomUUID(), "text", "我要退款", "language", "zh",
                "customer", Map.of("id", "cust-" + UUID.randomUUID(), "tier", "regular")));
        assertThat(r.status()).as("POST conversation: %s", r.raw()).isEqualTo(201);
        return r;
    }

    private static byte[] refundsAtPriority(int priority) {
        return PolicyFixtures.withCell(PolicyFixtures.bytes(PolicyFixtures.XLSX), "Routing", "E12", priority);
    }

    private static byte[] guardsWithUnknownQueue() {
        String drl = new String(PolicyFixtures.bytes(PolicyFixtures.DRL), StandardCharsets.UTF_8)
                .replace("plan.setQueue(\"bot\");", "plan.setQueue(\"robot\");");
        assertThat(drl).contains("plan.setQueue(\"robot\");");
        return drl.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void editingAFileMakesACandidateAndNothingGoesLiveByItself() throws IOException {
        String original = directoryVersion();
        try (RoutingApp app = start(false)) {
            JsonHttp http = app.http();
            assertThat(http.get("/api/v1/rulesets").text("activeVersion")).isEqualTo(original);

            save("routing.drl.xlsx", refundsAtPriority(58));
            String edited = directoryVersion();
            JsonNode candidate = await("version " + edited + " from the directory", () -> versionListed(http, edited));

            assertThat(candidate.get("status").asString()).isEqualTo("candidate");
            assertThat(candidate.get("source").asString()).isEqualTo("directory");
            assertThat(candidate.get("author").asString()).isEqualTo("rules-directory");
            assertThat(http.get("/api/v1/rulesets").text("activeVersion")).isEqualTo(original);
            JsonHttp.Response routed = refund(http);
            assertThat(routed.text("rulesetVersion")).isEqualTo(original);
            assertThat(routed.body().get("priority").asInt()).isEqualTo(50);

            // A broken edit becomes a failed version, with the problem at its line.
            save("guards.drl", guardsWithUnknownQueue());
            String broken = directoryVersion();
            JsonNode failed = await("version " + broken + " from the directory", () -> versionListed(http, broken));
            assertThat(failed.get("status").asString()).isEqualTo("failed");
            assertThat(http.get("/api/v1/rulesets/" + broken).body().get("report").get("errors").get(0).get("text")
                    .asString()).startsWith("line ").contains("in guards.drl: 'robot' is not a queue");
            assertThat(http.get("/api/v1/rulesets").text("activeVersion")).isEqualTo(original);

            // Ops activate the good candidate when they are ready.
            JsonHttp.Response activated = http.post("/api/v1/rulesets/" + edited + "/activate", Map.of("by", "ops"));
            assertThat(activated.status()).as("%s", activated.raw()).isEqualTo(200);
            JsonHttp.Response after = refund(http);
            assertThat(after.text("rulesetVersion")).isEqualTo(edited);
            assertThat(after.body().get("priority").asInt()).isEqualTo(58);
        }
    }

    @Test
    void withAutoActivateAValidChangeGoesLiveAndABrokenOneDoesNot() throws IOException {
        String original = directoryVersion();
        try (RoutingApp app = start(true)) {
            JsonHttp http = app.http();
            assertThat(http.get("/api/v1/rulesets").text("activeVersion")).isEqualTo(original);

            save("routing.drl.xlsx", refundsAtPriority(61));
            String edited = directoryVersion();
            await("version " + edited + " to go live", () ->
                    edited.equals(http.get("/api/v1/rulesets").text("activeVersion")) ? edited : null);

            JsonHttp.Response routed = refund(http);
            assertThat(routed.text("rulesetVersion")).isEqualTo(edited);
            assertThat(routed.body().get("priority").asInt()).isEqualTo(61);
            assertThat(versionListed(http, original).get("status").asString()).isEqualTo("retired");

            save("guards.drl", guardsWithUnknownQueue());
            String broken = directoryVersion();
            JsonNode failed = await("version " + broken + " from the directory", () -> versionListed(http, broken));

            assertThat(failed.get("status").asString()).isEqualTo("failed");
            assertThat(http.get("/api/v1/rulesets").text("activeVersion")).isEqualTo(edited);
            assertThat(refund(http).text("rulesetVersion")).isEqualTo(edited);
        }
    }
}
