package io.convrouter.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import org.junit.jupiter.api.BeforeEach;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Primary;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import io.convrouter.app.RoutingServerApplication;
import io.convrouter.audit.DecisionLog;
import io.convrouter.dispatch.AssignmentRecorder;
import io.convrouter.dispatch.Dispatched;
import io.convrouter.dispatch.Dispatcher;
import io.convrouter.store.Durability;
import io.convrouter.workbench.Workbench;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The whole server over real HTTP, like {@link ApiTestSupport}, but on a clock the test moves:
 * a {@code @Primary} {@link MutableClock} replaces the system clock, the dispatch timer thread is
 * off ({@code routing.dispatch-tick-interval=0}), and the test fires the timers itself with
 * {@link #tick()} after moving the clock, recording what they did as the server's timer thread
 * does. Every test class extending this one shares one server (one Spring context).
 *
 * <p>The workbench is the project's own, copied to {@code target/clocked-workbench} with a few
 * queue settings changed ({@link #QUEUE_CHANGES}) so that business hours and the wait limit can be
 * tested: queues name the {@code standard} calendar, and two queues divert when the estimated wait
 * is too long. Everything else (channels, skills, teams, calendars, the other queues) is exactly
 * what ships, so the copy cannot drift from it.
 *
 * <p>The clock starts on a Wednesday at 10:00 in Shanghai and only moves forward; tests that need
 * a particular time (closed hours, a holiday) move to the next such time from wherever it is.
 */
@SpringBootTest(classes = {RoutingServerApplication.class, ClockedApiTestSupport.TestClock.class},
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {"routing.dispatch-tick-interval=0", "routing.wait-alert-interval=0"})
public abstract class ClockedApiTestSupport extends ApiTestSupport {

    /** Wednesday 2027-03-03 10:00 Asia/Shanghai: inside the standard calendar's hours. */
    public static final Instant START = Instant.parse("2027-03-03T02:00:00Z");

    /**
     * What the test workbench changes in queues.yaml, per queue, in its {@code dispatch} block:
     * <ul>
     *   <li>billing, technical, logistics follow the {@code standard} calendar (weekdays 09:00-21:00,
     *   weekends 10:00-18:00, closed on holidays) and outside it send conversations to call back,
     *   leave a message, and the bot respectively;</li>
     *   <li>payments diverts to a call back when the estimated wait is over 100 s; general diverts
     *   to the bot when it is over 600 s (or unknown: nobody online can serve it).</li>
     * </ul>
     */
    public static final Map<String, Map<String, Object>> QUEUE_CHANGES = ordered(
            "billing", ordered("calendar", "standard", "afterHours", "callback"),
            "technical", ordered("calendar", "standard", "afterHours", "message"),
            "logistics", ordered("calendar", "standard", "afterHours", "bot"),
            "payments", ordered("maxWaitSeconds", 100, "whenWaitOver", "callback"),
            "general", ordered("maxWaitSeconds", 600, "whenWaitOver", "bot"));

    @SuppressWarnings("unchecked")
    private static <V> Map<String, V> ordered(Object... keyValues) {
        Map<String, V> m = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            m.put((String) keyValues[i], (V) keyValues[i + 1]);
        }
        return java.util.Collections.unmodifiableMap(m);
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        MutableClock testClock() {
            return new MutableClock(START);
        }
    }

    @DynamicPropertySource
    static void testWorkbench(DynamicPropertyRegistry registry) {
        registry.add("routing.workbench-dir", () -> TestWorkbench.DIR.toString());
    }

    @Autowired
    protected MutableClock clock;
    @Autowired
    protected Dispatcher dispatcher;
    @Autowired
    protected Workbench workbench;
    @Autowired
    private DecisionLog decisions;
    @Autowired
    private Durability durability;

    private AssignmentRecorder recorder;

    @BeforeEach
    void recorder() {
        recorder = new AssignmentRecorder(decisions, clock);
    }

    /**
     * Fires every dispatch timer that is due at the clock's time and writes what they did to the
     * decision log, as the server's timer thread does (app/DispatchConfiguration).
     */
    protected Dispatched tick() {
        Dispatched d = dispatcher.tick();
        if (!d.isEmpty()) {
            recorder.record(d, "a dispatch timer fired");
            durability.awaitDurable();
        }
        return d;
    }

    /** Moves the clock forward, then fires what is due. */
    protected Dispatched advanceAndTick(Duration by) {
        clock.advance(by);
        return tick();
    }

    protected Instant now() {
        return clock.instant();
    }

    /** The project's workbench-config, copied once with {@link #QUEUE_CHANGES} applied. */
    static final class TestWorkbench {
        static final Path DIR = create();

        private static Path create() {
            Path source = Path.of("..", "workbench-config");
            Path target = Path.of("target", "clocked-workbench");
            try {
                Files.createDirectories(target);
                try (Stream<Path> files = Files.list(source)) {
                    for (Path f : files.filter(Files::isRegularFile).toList()) {
                        Files.copy(f, target.resolve(f.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                YAMLMapper yaml = YAMLMapper.builder().build();
                JsonNode queues = yaml.readTree(source.resolve("queues.yaml").toFile());
                Map<String, Map<String, Object>> pending = new LinkedHashMap<>(QUEUE_CHANGES);
                for (JsonNode q : (ArrayNode) queues.get("queues")) {
                    Map<String, Object> change = pending.remove(q.get("id").asString());
                    if (change == null) {
                        continue;
                    }
                    ObjectNode queue = (ObjectNode) q;
                    ObjectNode dispatch = queue.get("dispatch") instanceof ObjectNode d ? d : queue.putObject("dispatch");
                    change.forEach((k, v) -> dispatch.set(k, yaml.valueToTree(v)));
                }
                if (!pending.isEmpty()) {
                    throw new IllegalStateException("queues " + pending.keySet() + " are not in " + source + "/queues.yaml");
                }
                Files.writeString(target.resolve("queues.yaml"), "# Generated by ClockedApiTestSupport from "
                        + source.toAbsolutePath().normalize() + "/queues.yaml with " + QUEUE_CHANGES + "\n"
                        + yaml.writeValueAsString(queues));
                return target.toAbsolutePath();
            } catch (IOException e) {
                throw new UncheckedIOException("cannot write the test workbench to " + target.toAbsolutePath(), e);
            }
        }
    }

    // ------------------------------------------------------------------ shared request shapes

    /** A regular customer on web chat, with a fresh external id, in the given language. */
    protected static Map<String, Object> request(String text, String language) {
        return ApiClient.obj("channel", "web", "externalId", unique("ext"), "text", text, "language", language,
                "customer", ApiClient.obj("id", unique("cust"), "tier", "regular"));
    }

    /** An agent profile with the given skills, language, teams and web capacity (no queue limit). */
    protected static Map<String, Object> agentProfile(String language, Map<String, Object> skills, int webCapacity,
                                                      String... teams) {
        return ApiClient.obj("name", "Agent " + language, "skills", skills, "languages", java.util.List.of(language),
                "teams", java.util.List.of(teams), "capacity", ApiClient.obj("web", webCapacity));
    }

    /** Registers an agent with this profile and sets it online; returns its id. */
    protected String onlineAgent(Map<String, Object> profile) {
        String id = newAgentId();
        putAgent(id, profile);
        setPresence(id, "online");
        return id;
    }

    /** The last decision of a conversation's trail. */
    protected JsonNode lastDecision(String conversationId) {
        var trail = trail(conversationId);
        return trail.get(trail.size() - 1);
    }
}
