package io.convrouter.policy;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.convrouter.classify.ActiveRuleset;
import io.convrouter.classify.PolicyFile;
import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * The ruleset lifecycle over real HTTP, as ops drive it: upload files or a zip (multipart), see the
 * validation report, activate while traffic flows, roll back, run an A/B experiment and read its
 * KPIs, replay recorded traffic against a candidate, diff versions, download files and the DRL.
 *
 * <p>The server is shared with every other API test class: each test makes its versions unique
 * (a marker comment in guards.drl), routes in a language of its own, reads the active version
 * first and puts it back at the end.
 */
class PolicyApiTest extends ApiTestSupport {
    private static final String BASE = "/api/v1/rulesets";
    private static final String XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
    /** Routing sheet of routing.drl.xlsx, row 12: the Refunds route (C queue, E priority). */
    private static final String REFUNDS_QUEUE = "C12";
    private static final String REFUNDS_PRIORITY = "E12";

    @LocalServerPort
    private int port;

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();

    private String activeAtStart;
    private final List<String> experimentsStarted = new ArrayList<>();

    @BeforeEach
    void rememberTheActiveVersion() {
        ApiClient.Response r = api.get(BASE);
        assertThat(r.status()).as("GET %s: %s", BASE, r).isEqualTo(200);
        activeAtStart = r.text("activeVersion");
        assertThat(activeAtStart).isNotBlank();
        assertThat(r.node("experiment").isNull()).as("no experiment left running by another test: %s", r).isTrue();
    }

    @AfterEach
    void putTheActiveVersionBack() {
        for (String id : experimentsStarted) {
            api.post(BASE + "/experiments/" + id + "/stop", obj("by", "test cleanup"));
        }
        if (!activeAtStart.equals(activeVersion())) {
            ApiClient.Response r = api.post(BASE + "/" + activeAtStart + "/activate", obj("by", "test cleanup"));
            assertThat(r.status()).as("restore %s: %s", activeAtStart, r).isEqualTo(200);
        }
        assertThat(activeVersion()).isEqualTo(activeAtStart);
    }

    // ================================================================== helpers

    private String activeVersion() {
        return api.get(BASE).text("activeVersion");
    }

    /** The files of the rules directory with guards.drl marked, so that they make a version of this test's own. */
    private static List<PolicyFile> uniqueDefaults(String marker) {
        return PolicyFixtures.defaultsWith(marker, PolicyFixtures.bytes(PolicyFixtures.XLSX));
    }

    /** As {@link #uniqueDefaults}, with cells of the Routing sheet changed. */
    private static List<PolicyFile> withRouting(String marker, Map<String, Object> cells) {
        return PolicyFixtures.defaultsWith(marker,
                PolicyFixtures.withCells(PolicyFixtures.bytes(PolicyFixtures.XLSX), "Routing", cells));
    }

    /** POST /api/v1/rulesets as multipart/form-data: each file as a part named "files", plus author and note. */
    private ApiClient.Response upload(List<PolicyFile> files) {
        String boundary = "----policy-test-" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        try {
            for (PolicyFile f : files) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"files\"; filename=\"" + f.path()
                        + "\"\r\nContent-Type: application/octet-stream\r\n\r\n").getBytes(StandardCharsets.UTF_8));
                body.write(f.content());
                body.write("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            for (String[] field : new String[][] {{"author", "ops-test"}, {"note", "uploaded by PolicyApiTest"}}) {
                body.write(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + field[0] + "\"\r\n\r\n"
                        + field[1] + "\r\n").getBytes(StandardCharsets.UTF_8));
            }
            body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        HttpResponse<byte[]> r = send(HttpRequest.newBuilder(uri(BASE))
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())));
        String text = new String(r.body(), StandardCharsets.UTF_8);
        JsonNode json = text.isEmpty() ? null : ApiClient.JSON.readTree(text);
        return new ApiClient.Response(r.statusCode(), r.headers().firstValue("Content-Type").orElse(""), text, json);
    }

    private ApiClient.Response upload(PolicyFile... files) {
        return upload(List.of(files));
    }

    /** Uploads files that must make a new, valid candidate; returns its version. */
    private String candidate(List<PolicyFile> files) {
        ApiClient.Response r = upload(files);
        assertThat(r.status()).as("upload: %s", r).isEqualTo(201);
        assertThat(r.text("status")).as("status of %s", r).isEqualTo("candidate");
        return r.text("version");
    }

    private HttpResponse<byte[]> download(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET());
    }

    private HttpResponse<byte[]> send(HttpRequest.Builder request) {
        try {
            return http.send(request.header("X-API-Key", io.convrouter.support.TestKeys.ADMIN)
                    .timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    private JsonNode activate(String version) {
        ApiClient.Response r = api.post(BASE + "/" + version + "/activate", obj("by", "ops-test"));
        assertThat(r.status()).as("activate %s: %s", version, r).isEqualTo(200);
        return r.json();
    }

    /** The status of a version as GET /api/v1/rulesets lists it. */
    private String listedStatus(String version) {
        for (JsonNode v : api.get(BASE).json().get("versions")) {
            if (v.get("version").asString().equals(version)) {
                return v.get("status").asString();
            }
        }
        return fail("version %s is not listed", version);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("gave up waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static Map<String, Object> request(String language, String text, String customerId, String tier) {
        return obj("channel", "web", "externalId", unique("ext"), "text", text, "language", language,
                "customer", obj("id", customerId, "tier", tier));
    }

    // ================================================================== uploads

    @Test
    void uploadingOneFileCreatesACandidateWithItsReportAndTheSameFileAgainReturnsIt() {
        PolicyFile guards = new PolicyFile("guards.drl", PolicyFixtures.markedGuards(unique("one-file")));

        ApiClient.Response created = upload(guards);

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        String version = created.text("version");
        assertThat(version).matches("[0-9a-f]{16}");
        assertThat(created.text("status")).isEqualTo("candidate");
        assertThat(created.text("author")).isEqualTo("ops-test");
        assertThat(created.text("note")).isEqualTo("uploaded by PolicyApiTest");
        assertThat(created.text("source")).isEqualTo("upload");
        assertThat(created.node("report.valid").asBoolean()).isTrue();
        assertThat(created.node("report.errors")).isEmpty();
        assertThat(created.node("report.ruleCount").asInt()).isEqualTo(9); // the rules in guards.drl
        assertThat(created.node("files")).singleElement().satisfies(f -> {
            assertThat(f.get("path").asString()).isEqualTo("guards.drl");
            assertThat(f.get("size").asLong()).isEqualTo(guards.content().length);
            assertThat(f.get("sha256").asString()).isEqualTo(PolicyService.sha256(guards.content()));
        });

        ApiClient.Response again = upload(guards);
        assertThat(again.status()).as("%s", again).isEqualTo(200);
        assertThat(again.text("version")).isEqualTo(version);

        ApiClient.Response one = api.get(BASE + "/" + version);
        assertThat(one.status()).isEqualTo(200);
        assertThat(one.text("status")).isEqualTo("candidate");
        assertThat(api.get(BASE).json().get("versions").valueStream()
                .filter(v -> v.get("version").asString().equals(version)).count()).isEqualTo(1);
        assertThat(activeVersion()).as("an upload activates nothing").isEqualTo(activeAtStart);
    }

    @Test
    void uploadingSeveralFilesCreatesOneVersionOfThemAll() {
        List<PolicyFile> files = uniqueDefaults(unique("several"));

        ApiClient.Response created = upload(files);

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.text("status")).isEqualTo("candidate");
        assertThat(created.node("report.valid").asBoolean()).isTrue();
        assertThat(created.node("report.ruleCount").asInt()).isGreaterThan(20);
        assertThat(created.node("files").valueStream().map(f -> f.get("path").asString()).toList())
                .containsExactlyInAnyOrder("routing.drl.xlsx", "marketplace.drl.csv", "guards.drl");

        ApiClient.Response again = upload(files);
        assertThat(again.status()).isEqualTo(200);
        assertThat(again.text("version")).isEqualTo(created.text("version"));
    }

    @Test
    void uploadingAZipOfTheRulesFolderCreatesAVersionOfTheFilesInside() {
        List<PolicyFile> files = uniqueDefaults(unique("zip"));
        List<PolicyFile> withReadme = PolicyFixtures.concat(files,
                new PolicyFile("README.md", "not a policy".getBytes(StandardCharsets.UTF_8)));
        PolicyFile zip = new PolicyFile("rules.zip", PolicyFixtures.zip("rules/", withReadme));

        ApiClient.Response created = upload(zip);

        assertThat(created.status()).as("%s", created).isEqualTo(201);
        assertThat(created.text("status")).isEqualTo("candidate");
        assertThat(created.node("files").valueStream().map(f -> f.get("path").asString()).toList())
                .as("the top folder is stripped and the README left out")
                .containsExactlyInAnyOrder("routing.drl.xlsx", "marketplace.drl.csv", "guards.drl");

        // The version is the content, not the packaging: the same zip, or the same files one by one, are that version.
        ApiClient.Response sameZip = upload(zip);
        assertThat(sameZip.status()).isEqualTo(200);
        assertThat(sameZip.text("version")).isEqualTo(created.text("version"));
        ApiClient.Response sameFiles = upload(files);
        assertThat(sameFiles.status()).isEqualTo(200);
        assertThat(sameFiles.text("version")).isEqualTo(created.text("version"));
    }

    @Test
    void anUploadWithoutRulesetFilesIsA400() {
        ApiClient.Response r = upload(new PolicyFile("notes.txt", "hello".getBytes(StandardCharsets.UTF_8)));
        assertProblem(r, 400, "files");
        assertThat(activeVersion()).isEqualTo(activeAtStart);
    }

    // ================================================================== bad uploads change nothing

    @Test
    void aFailedVersionCannotBeActivatedAndLeavesTheActiveVersionAndLiveRoutingUntouched() {
        String language = newLanguage();
        JsonNode before = create(refundRequest(language));
        assertThat(before.get("rulesetVersion").asString()).isEqualTo(activeAtStart);

        ApiClient.Response broken = upload(withRouting(unique("broken"), Map.of(REFUNDS_PRIORITY, "hihg")));

        assertThat(broken.status()).as("%s", broken).isEqualTo(201);
        String failed = broken.text("version");
        assertThat(broken.text("status")).isEqualTo("failed");
        assertThat(broken.node("report.valid").asBoolean()).isFalse();
        assertThat(broken.node("report.errors")).singleElement().satisfies(e -> {
            assertThat(e.get("file").asString()).isEqualTo("routing.drl.xlsx");
            assertThat(e.get("sheet").asString()).isEqualTo("Routing");
            assertThat(e.get("cell").asString()).isEqualTo(REFUNDS_PRIORITY);
            assertThat(e.get("text").asString()).isEqualTo(
                    "cell E12 on sheet Routing in routing.drl.xlsx: 'hihg' is not a priority; use a number 0-100");
        });

        ApiClient.Response activation = api.post(BASE + "/" + failed + "/activate", obj("by", "ops-test"));
        assertProblem(activation, 409, null);
        assertThat(activation.text("detail")).contains("failed validation").contains("cannot be activated");

        // A file that is not a workbook at all is a failed version too, and changes nothing either.
        ApiClient.Response garbage = upload(new PolicyFile("routing.drl.xlsx", "not a workbook".getBytes(StandardCharsets.UTF_8)),
                new PolicyFile("guards.drl", PolicyFixtures.markedGuards(unique("garbage"))));
        assertThat(garbage.status()).as("%s", garbage).isEqualTo(201);
        assertThat(garbage.text("status")).isEqualTo("failed");
        assertThat(garbage.node("report.errors").valueStream().map(e -> e.get("text").asString()))
                .anySatisfy(t -> assertThat(t).contains("routing.drl.xlsx").contains("cannot read"));

        assertThat(activeVersion()).isEqualTo(activeAtStart);
        assertThat(listedStatus(failed)).isEqualTo("failed");
        assertThat(listedStatus(activeAtStart)).isEqualTo("active");
        JsonNode after = create(refundRequest(language));
        assertThat(after.get("rulesetVersion").asString()).isEqualTo(activeAtStart);
        assertThat(after.get("queue").asString()).isEqualTo(before.get("queue").asString());
        assertThat(after.get("priority").asInt()).isEqualTo(before.get("priority").asInt());
    }

    @Test
    void aFailingScenarioBlocksActivation() {
        String marker = unique("scenarios");
        String header = "Name,Channel,Text,Tier,Expected queue,Expected priority\n";
        PolicyFile failing = new PolicyFile("refunds.scenarios.csv",
                (header + "Refunds go to general,web,我要退款,regular,general,50\n").getBytes(StandardCharsets.UTF_8));

        ApiClient.Response r = upload(PolicyFixtures.concat(uniqueDefaults(marker), failing));

        assertThat(r.status()).as("%s", r).isEqualTo(201);
        assertThat(r.text("status")).isEqualTo("failed");
        assertThat(r.node("report.errors")).isEmpty();
        assertThat(r.node("report.scenariosRun").asInt()).isEqualTo(1);
        assertThat(r.node("report.scenariosFailed").asInt()).isEqualTo(1);
        JsonNode scenario = r.node("report.scenarios").get(0);
        assertThat(scenario.get("name").asString()).isEqualTo("Refunds go to general");
        assertThat(scenario.get("file").asString()).isEqualTo("refunds.scenarios.csv");
        assertThat(scenario.get("row").asInt()).isEqualTo(2);
        assertThat(scenario.get("passed").asBoolean()).isFalse();
        assertThat(scenario.get("mismatches")).singleElement().satisfies(m -> {
            assertThat(m.get("field").asString()).isEqualTo("queue");
            assertThat(m.get("expected").asString()).isEqualTo("general");
            assertThat(m.get("actual").asString()).isEqualTo("after-sales");
        });
        // The stored report says the same when read back.
        assertThat(api.get(BASE + "/" + r.text("version")).node("report.scenarios").get(0).get("mismatches").get(0)
                .get("actual").asString()).isEqualTo("after-sales");

        ApiClient.Response activation = api.post(BASE + "/" + r.text("version") + "/activate", obj("by", "ops-test"));
        assertProblem(activation, 409, null);
        assertThat(activation.text("detail")).contains("1 failing scenario(s)");
        assertThat(activeVersion()).isEqualTo(activeAtStart);

        // With the expectation fixed, the same rules are a candidate.
        PolicyFile passing = new PolicyFile("refunds.scenarios.csv",
                (header + "Refunds go to after-sales,web,我要退款,regular,after-sales,50\n").getBytes(StandardCharsets.UTF_8));
        ApiClient.Response fixed = upload(PolicyFixtures.concat(uniqueDefaults(marker), passing));
        assertThat(fixed.status()).isEqualTo(201);
        assertThat(fixed.text("status")).isEqualTo("candidate");
        assertThat(fixed.node("report.scenarios").get(0).get("passed").asBoolean()).isTrue();
    }

    // ================================================================== activate and roll back

    @Test
    void activationMakesNewConversationsUseTheVersionAndRollbackReturnsToThePreviousOne() {
        String language = newLanguage();
        int priorityBefore = create(refundRequest(language)).get("priority").asInt();
        String version = candidate(withRouting(unique("activate"), Map.of(REFUNDS_PRIORITY, 66)));

        JsonNode state = activate(version);

        assertThat(state.get("activeVersion").asString()).isEqualTo(version);
        assertThat(state.get("history").get(0).asString()).isEqualTo(activeAtStart);
        ApiClient.Response listing = api.get(BASE);
        assertThat(listing.text("activeVersion")).isEqualTo(version);
        assertThat(listedStatus(version)).isEqualTo("active");
        assertThat(listedStatus(activeAtStart)).isEqualTo("retired");
        assertThat(listing.json().get("versions").valueStream().filter(v -> v.get("status").asString().equals("active")))
                .as("exactly one version is active").hasSize(1);
        ApiClient.Response one = api.get(BASE + "/" + version);
        assertThat(one.text("status")).isEqualTo("active");
        assertThat(one.text("activatedAt")).isNotNull();

        JsonNode routed = create(refundRequest(language));
        assertThat(routed.get("rulesetVersion").asString()).isEqualTo(version);
        assertThat(routed.get("priority").asInt()).isEqualTo(66);
        assertThat(trail(routed.get("id").asString())).first().satisfies(d -> {
            assertThat(d.get("kind").asString()).isEqualTo("routed");
            assertThat(d.get("rulesetVersion").asString()).isEqualTo(version);
        });

        ApiClient.Response rollback = api.post(BASE + "/rollback", obj("by", "ops-test"));

        assertThat(rollback.status()).as("%s", rollback).isEqualTo(200);
        assertThat(rollback.text("activeVersion")).isEqualTo(activeAtStart);
        assertThat(activeVersion()).isEqualTo(activeAtStart);
        assertThat(listedStatus(version)).isEqualTo("retired");
        assertThat(listedStatus(activeAtStart)).isEqualTo("active");
        JsonNode afterRollback = create(refundRequest(language));
        assertThat(afterRollback.get("rulesetVersion").asString()).isEqualTo(activeAtStart);
        assertThat(afterRollback.get("priority").asInt()).isEqualTo(priorityBefore);
    }

    @Test
    void activatingAnUnknownVersionIsA404() {
        assertProblem(api.post(BASE + "/0000000000000000/activate", obj("by", "ops-test")), 404, null);
        assertThat(activeVersion()).isEqualTo(activeAtStart);
    }

    /** One conversation posted under load: what came back, or the error. */
    private record Outcome(int status, String version, int priority, String conversationId, String error) {}

    @Test
    void activatingBackAndForthUnderConcurrentLoadFailsNoRequest() throws Exception {
        String language = newLanguage();
        String v1 = candidate(withRouting(unique("load-1"), Map.of(REFUNDS_PRIORITY, 51)));
        String v2 = candidate(withRouting(unique("load-2"), Map.of(REFUNDS_PRIORITY, 77)));
        Map<String, Integer> refundPriority = Map.of(v1, 51, v2, 77);
        activate(v1);

        int threads = 4;
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger completed = new AtomicInteger();
        ConcurrentLinkedQueue<Outcome> outcomes = new ConcurrentLinkedQueue<>();
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        List<Future<?>> workers = new ArrayList<>();
        int activations = 30;
        try {
            for (int t = 0; t < threads; t++) {
                workers.add(pool.submit(() -> {
                    ApiClient client = new ApiClient(port);
                    while (!stop.get()) {
                        try {
                            ApiClient.Response r = client.post("/api/v1/conversations", refundRequest(language));
                            outcomes.add(r.status() == 201
                                    ? new Outcome(201, r.text("rulesetVersion"), r.json().get("priority").asInt(), r.text("id"), null)
                                    : new Outcome(r.status(), null, -1, null, r.raw()));
                        } catch (RuntimeException e) {
                            outcomes.add(new Outcome(-1, null, -1, null, e.toString()));
                        }
                        completed.incrementAndGet();
                    }
                }));
            }
            for (int i = 0; i < activations; i++) {
                int seen = completed.get();
                activate(i % 2 == 0 ? v2 : v1);
                // Let requests run on this version before the next swap (counted, not timed).
                await("requests after activation " + i, () -> completed.get() >= seen + threads + 1);
            }
        } finally {
            stop.set(true);
            pool.shutdown();
        }
        for (Future<?> w : workers) {
            w.get(2, TimeUnit.MINUTES);
        }

        List<Outcome> all = new ArrayList<>(outcomes);
        List<Outcome> failed = all.stream().filter(o -> o.status() != 201).toList();
        assertThat(failed.size()).as("failed requests out of %s: %s", all.size(), failed).isZero();
        assertThat(all.size()).isGreaterThanOrEqualTo(activations * (threads + 1));
        assertThat(all).extracting(Outcome::version).as("versions that routed").containsOnly(v1, v2).contains(v1, v2);
        // No request saw half a ruleset: each plan is the one its version makes.
        assertThat(all).allSatisfy(o -> assertThat(o.priority()).as("priority under %s", o.version())
                .isEqualTo(refundPriority.get(o.version())));
        // The decision log agrees with the answers.
        for (Outcome o : all.subList(0, 10)) {
            assertThat(trail(o.conversationId()).get(0).get("rulesetVersion").asString()).isEqualTo(o.version());
        }
    }

    // ================================================================== A/B experiment

    @Test
    void anExperimentSplitsCustomersStablyAndReportsKpisPerVariant() {
        String language = newLanguage();
        String agent = onlineAgent(language, 50);
        String variant = candidate(withRouting(unique("experiment"), Map.of(REFUNDS_PRIORITY, 71)));

        ApiClient.Response started = api.post(BASE + "/experiments", obj("version", variant, "share", 0.3, "by", "ops-test"));

        assertThat(started.status()).as("%s", started).isEqualTo(201);
        String id = started.text("experiment.id");
        experimentsStarted.add(id);
        assertThat(started.text("activeVersion")).isEqualTo(activeAtStart);
        assertThat(started.text("experiment.variantVersion")).isEqualTo(variant);
        assertThat(started.text("experiment.controlVersion")).isEqualTo(activeAtStart);
        assertThat(started.node("experiment.share").asDouble()).isEqualTo(0.3);
        assertThat(api.get(BASE).text("experiment.id")).isEqualTo(id);
        assertThat(listedStatus(variant)).as("the variant classifies live traffic").isEqualTo("active");
        assertThat(listedStatus(activeAtStart)).isEqualTo("active");
        // A second experiment while one runs is refused.
        assertProblem(api.post(BASE + "/experiments", obj("version", variant, "share", 0.5)), 409, null);

        // Six customers of each variant, chosen by the documented split (hash of experiment and customer id).
        List<String> onVariant = new ArrayList<>();
        List<String> onControl = new ArrayList<>();
        for (int i = 0; onVariant.size() < 6 || onControl.size() < 6; i++) {
            String customer = unique("cust-ab");
            List<String> side = ActiveRuleset.bucket(id, customer) < 0.3 ? onVariant : onControl;
            if (side.size() < 6) {
                side.add(customer);
            }
        }
        Map<String, String> conversationOf = new LinkedHashMap<>();
        for (String customer : concat(onVariant, onControl)) {
            String expected = onVariant.contains(customer) ? variant : activeAtStart;
            JsonNode c = create(request(language, REFUND_TEXT, customer, "regular"));
            assertThat(c.get("rulesetVersion").asString()).as("customer %s", customer).isEqualTo(expected);
            assertThat(c.get("agentId").asString()).isEqualTo(agent);
            conversationOf.put(customer, c.get("id").asString());
            // The same customer again: the same side of the split.
            JsonNode again = create(request(language, REFUND_TEXT, customer, "regular"));
            assertThat(again.get("rulesetVersion").asString()).as("customer %s again", customer).isEqualTo(expected);
            close(again.get("id").asString(), "unresolved", null);
        }
        assertThat(conversationOf.values().stream().map(c -> conversation(c).get("priority").asInt()).toList())
                .containsExactly(71, 71, 71, 71, 71, 71, 50, 50, 50, 50, 50, 50);

        // Outcomes. Variant: resolved 5, resolved 4, unresolved 2, one abandoned. Control: converted 5, resolved.
        close(conversationOf.get(onVariant.get(0)), "resolved", 5);
        close(conversationOf.get(onVariant.get(1)), "resolved", 4);
        close(conversationOf.get(onVariant.get(2)), "unresolved", 2);
        abandon(conversationOf.get(onVariant.get(3)));
        close(conversationOf.get(onControl.get(0)), "converted", 5);
        close(conversationOf.get(onControl.get(1)), "resolved", null);

        ApiClient.Response report = api.get(BASE + "/experiments/" + id);

        assertThat(report.status()).as("%s", report).isEqualTo(200);
        assertThat(report.node("running").asBoolean()).isTrue();
        assertThat(report.text("experiment.variantVersion")).isEqualTo(variant);
        JsonNode v = report.node("variants.variant");
        JsonNode c = report.node("variants.control");
        // Twelve conversations per side: six kept open or closed as above, six repeats closed unresolved.
        assertThat(v.get("conversations").asLong()).isEqualTo(12);
        assertThat(c.get("conversations").asLong()).isEqualTo(12);
        assertThat(v.get("assigned").asLong()).isEqualTo(12);
        assertThat(c.get("assigned").asLong()).isEqualTo(12);
        assertThat(v.get("averageWaitSeconds").asDouble()).isGreaterThanOrEqualTo(0.0);
        assertThat(v.get("abandoned").asLong()).isEqualTo(1);
        assertThat(v.get("abandonmentRate").asDouble()).isEqualTo(0.083);
        assertThat(c.get("abandoned").asLong()).isZero();
        assertThat(v.get("closed").asLong()).isEqualTo(6 + 3);
        assertThat(c.get("closed").asLong()).isEqualTo(6 + 2);
        assertThat(v.get("resolutionRate").asDouble()).isEqualTo(0.222); // 2 of 9
        assertThat(c.get("resolutionRate").asDouble()).isEqualTo(0.25); // 2 of 8
        assertThat(c.get("conversionRate").asDouble()).isEqualTo(0.125); // 1 of 8
        assertThat(v.get("averageSatisfaction").asDouble()).isEqualTo(3.667);
        assertThat(v.get("satisfactionResponses").asLong()).isEqualTo(3);
        assertThat(c.get("averageSatisfaction").asDouble()).isEqualTo(5.0);
        assertThat(c.get("satisfactionResponses").asLong()).isEqualTo(1);
        assertThat(v.get("reRouted").asLong()).isZero();

        ApiClient.Response stopped = api.post(BASE + "/experiments/" + id + "/stop", obj("by", "ops-test"));
        assertThat(stopped.status()).as("%s", stopped).isEqualTo(200);
        experimentsStarted.remove(id);
        assertThat(stopped.node("experiment").isNull()).isTrue();
        assertThat(api.get(BASE + "/experiments/" + id).node("running").asBoolean()).isFalse();
        assertThat(listedStatus(variant)).isEqualTo("candidate");
        assertThat(api.get(BASE + "/experiments").json().valueStream().map(e -> e.get("experiment").get("id").asString()))
                .contains(id);
        JsonNode afterStop = create(request(language, REFUND_TEXT, onVariant.get(0), "regular"));
        assertThat(afterStop.get("rulesetVersion").asString()).as("after the experiment everyone is on the active version")
                .isEqualTo(activeAtStart);
    }

    private static List<String> concat(List<String> a, List<String> b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    // ================================================================== replay, diff, downloads

    @Test
    void replayingRecordedTrafficReportsWhatACandidateWouldChange() {
        String language = newLanguage();
        String marker = unique("replay");
        String base = candidate(uniqueDefaults(marker));
        activate(base);
        String candidate = candidate(withRouting(marker, Map.of(REFUNDS_QUEUE, "general", REFUNDS_PRIORITY, 65)));

        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        Set<String> refunds = new HashSet<>();
        Set<String> others = new HashSet<>();
        for (int i = 0; i < 5; i++) {
            refunds.add(create(refundRequest(language)).get("id").asString());
        }
        for (String text : List.of("我的快递到哪了", "物流一直没更新", "我要开发票", "请帮我开发票", "where is my order")) {
            JsonNode c = create(request(language, text, unique("cust"), "regular"));
            assertThat(c.get("queue").asString()).isIn("logistics", "billing");
            others.add(c.get("id").asString());
        }
        Instant to = Instant.now().plusMillis(1);

        JsonNode report = replay(candidate, from, to);

        assertThat(report.get("version").asString()).isEqualTo(candidate);
        assertThat(report.get("replayed").asLong()).isEqualTo(10);
        assertThat(report.get("changed").asLong()).isEqualTo(5);
        assertThat(report.get("changedBy").get("queue").asLong()).isEqualTo(5);
        assertThat(report.get("changedBy").get("priority").asLong()).isEqualTo(5);
        assertThat(report.get("changedBy").get("skills").asLong()).isZero();
        assertThat(report.get("changedBy").get("botFirst").asLong()).isZero();
        assertThat(report.get("changedBy").get("intent").asLong()).isZero();
        assertThat(report.get("byRule")).singleElement().satisfies(effect -> {
            assertThat(effect.get("rule").asString()).isEqualTo("Refunds");
            assertThat(effect.get("editedAndFired").asLong()).isEqualTo(5);
            assertThat(effect.get("nowFires").asLong()).isZero();
            assertThat(effect.get("noLongerFires").asLong()).isZero();
        });
        assertThat(report.get("examples")).hasSize(5).allSatisfy(e -> {
            assertThat(refunds).contains(e.get("conversationId").asString());
            assertThat(e.get("text").asString()).isEqualTo(REFUND_TEXT);
            assertThat(e.get("before").get("queue").asString()).isEqualTo("after-sales");
            assertThat(e.get("after").get("queue").asString()).isEqualTo("general");
            assertThat(e.get("before").get("priority").asInt()).isEqualTo(50);
            assertThat(e.get("after").get("priority").asInt()).isEqualTo(65);
            assertThat(e.get("rulesAfter").valueStream().map(JsonNode::asString)).contains("Refunds");
        });
        assertThat(report.get("examples").valueStream().map(e -> e.get("conversationId").asString()))
                .doesNotContainAnyElementsOf(others);

        // The version that decided, replayed over the same traffic, changes nothing.
        JsonNode same = replay(base, from, to);
        assertThat(same.get("replayed").asLong()).isEqualTo(10);
        assertThat(same.get("changed").asLong()).isZero();
        assertThat(same.get("byRule")).isEmpty();
    }

    /** Starts a replay, polls its job until done, returns the report. */
    private JsonNode replay(String version, Instant from, Instant to) {
        ApiClient.Response started = api.post(BASE + "/" + version + "/replay?from=" + ApiClient.query(from.toString())
                + "&to=" + ApiClient.query(to.toString()));
        assertThat(started.status()).as("%s", started).isEqualTo(202);
        String job = started.text("id");
        assertThat(started.text("version")).isEqualTo(version);
        String[] status = {started.text("status")};
        ApiClient.Response[] last = {started};
        await("replay job " + job, () -> {
            last[0] = api.get(BASE + "/replays/" + job);
            assertThat(last[0].status()).as("%s", last[0]).isEqualTo(200);
            status[0] = last[0].text("status");
            return !"running".equals(status[0]);
        });
        assertThat(status[0]).as("job %s", last[0]).isEqualTo("done");
        assertThat(last[0].node("progress").asDouble()).isEqualTo(1.0);
        assertThat(last[0].node("processed").asLong()).isEqualTo(last[0].node("total").asLong());
        return last[0].node("report");
    }

    @Test
    void aReplayOfAnUnknownVersionIsA404AndABackwardsWindowA400() {
        assertProblem(api.post(BASE + "/0000000000000000/replay"), 404, null);
        Instant now = Instant.now();
        assertProblem(api.post(BASE + "/" + activeAtStart + "/replay?from=" + now + "&to=" + now.minusSeconds(60)), 400, "from");
    }

    @Test
    void theDiffNamesTheRulesChangedAddedAndRemovedWithTheirSheetAndRow() {
        String marker = unique("diff");
        String base = candidate(uniqueDefaults(marker));
        String changed = candidate(withRouting(marker, Map.of(REFUNDS_QUEUE, "general")));
        Map<String, Object> newRow = new LinkedHashMap<>();
        newRow.put("A17", "Warranty claims");
        newRow.put("B17", "warranty");
        newRow.put("C17", "technical");
        newRow.put("D17", "installation 2");
        newRow.put("E17", 45);
        newRow.put("F17", 180);
        String added = candidate(withRouting(marker, newRow));

        ApiClient.Response diff = api.get(BASE + "/diff?from=" + base + "&to=" + changed);

        assertThat(diff.status()).as("%s", diff).isEqualTo(200);
        assertThat(diff.text("from")).isEqualTo(base);
        assertThat(diff.text("to")).isEqualTo(changed);
        assertThat(diff.node("added")).isEmpty();
        assertThat(diff.node("removed")).isEmpty();
        assertThat(diff.node("unchanged").asInt()).isGreaterThan(20);
        assertThat(diff.node("changed")).singleElement().satisfies(c -> {
            assertThat(c.get("rule").asString()).isEqualTo("Refunds");
            assertThat(c.get("file").asString()).isEqualTo("routing.drl.xlsx");
            assertThat(c.get("sheet").asString()).isEqualTo("Routing");
            assertThat(c.get("row").asInt()).isEqualTo(12);
            assertThat(c.get("before").asString()).contains("plan.setQueue(\"after-sales\");");
            assertThat(c.get("after").asString()).contains("plan.setQueue(\"general\");");
        });

        ApiClient.Response grown = api.get(BASE + "/diff?from=" + base + "&to=" + added);
        assertThat(grown.node("changed")).isEmpty();
        assertThat(grown.node("added")).singleElement().satisfies(c -> {
            assertThat(c.get("rule").asString()).isEqualTo("Warranty claims");
            assertThat(c.get("sheet").asString()).isEqualTo("Routing");
            assertThat(c.get("row").asInt()).isEqualTo(17);
        });
        ApiClient.Response shrunk = api.get(BASE + "/diff?from=" + added + "&to=" + base);
        assertThat(shrunk.node("removed")).singleElement()
                .satisfies(c -> assertThat(c.get("rule").asString()).isEqualTo("Warranty claims"));

        assertProblem(api.get(BASE + "/diff?from=" + base + "&to=0000000000000000"), 404, null);
    }

    @Test
    void eachFileOfAVersionDownloadsAsTheExactBytesUploaded() {
        List<PolicyFile> files = uniqueDefaults(unique("download"));
        String version = candidate(files);

        for (PolicyFile f : files) {
            HttpResponse<byte[]> r = download(BASE + "/" + version + "/files/" + f.path());
            assertThat(r.statusCode()).as("download %s", f.path()).isEqualTo(200);
            assertThat(r.body()).as("bytes of %s", f.path()).isEqualTo(f.content());
            assertThat(r.headers().firstValue("Content-Disposition").orElse(""))
                    .startsWith("attachment").contains(f.path());
        }
        assertThat(download(BASE + "/" + version + "/files/routing.drl.xlsx").headers().firstValue("Content-Type")
                .orElse("")).startsWith(XLSX_TYPE);
        assertThat(download(BASE + "/" + version + "/files/nothing.drl").statusCode()).isEqualTo(404);
        // The active version's files too, so ops can edit what is live.
        assertThat(download(BASE + "/" + activeAtStart + "/files/guards.drl").statusCode()).isEqualTo(200);
    }

    @Test
    void theGeneratedDrlOfAVersionShowsWhatEachTableMeans() {
        String version = candidate(uniqueDefaults(unique("drl")));

        HttpResponse<byte[]> r = download(BASE + "/" + version + "/drl");

        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("text/plain");
        String drl = new String(r.body(), StandardCharsets.UTF_8);
        assertThat(drl).contains("// ===== routing.drl.xlsx sheet Routing =====",
                "// ===== routing.drl.xlsx sheet Intents =====", "// ===== marketplace.drl.csv =====",
                "// ===== guards.drl =====", "rule \"Refunds\"", "plan.setQueue(\"after-sales\");",
                "rule \"Blacklisted customers to the bot\"");
        assertThat(download(BASE + "/0000000000000000/drl").statusCode()).isEqualTo(404);
    }
}
