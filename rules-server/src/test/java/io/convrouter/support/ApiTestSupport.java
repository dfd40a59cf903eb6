package io.convrouter.support;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;

import io.convrouter.app.RoutingServerApplication;
import tools.jackson.databind.JsonNode;

/**
 * The whole server on a random port over real HTTP, with the test configuration (in-memory
 * embedded MongoDB, the default rules and workbench config).
 *
 * <p>The server and its database are shared by every test class with this configuration, and so
 * is the dispatcher's waiting queue. Tests therefore create their own agents and conversations
 * with unique ids, and each test routes in a language of its own ({@link #newLanguage()}): a
 * conversation's plan asks for its language, so only the test's own agents can serve it and no
 * agent of another test takes it, whatever was left online or waiting. The waiting queue is one
 * for the whole server, so queue positions are asserted relative to each other, never as
 * absolute numbers.
 */
@SpringBootTest(classes = RoutingServerApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
public abstract class ApiTestSupport {
    public static final String REFUND_TEXT = "我要退款，订单一直没发货";
    public static final String PROBLEM_JSON = "application/problem+json";


    private static final AtomicInteger LANGUAGES = new AtomicInteger();

    @LocalServerPort
    private int port;

    protected ApiClient api;

    private final List<String> agentsOfThisTest = new ArrayList<>();

    @BeforeEach
    void connectToTheServer() {
        api = new ApiClient(port);
    }

    /** A client signed in with the test key of this role (admin, integration, ops, supervisor, auditor). */
    protected ApiClient as(String role) {
        String key = TestKeys.BY_ROLE.get(role);
        if (key == null) {
            throw new IllegalArgumentException("no test key for role " + role + "; roles: " + TestKeys.BY_ROLE.keySet());
        }
        return api.withKey(key);
    }

    protected int port() {
        return port;
    }

    /**
     * Takes this test's agents offline, so that they do not crowd the candidate lists of later
     * tests (a decision keeps a limited number of candidates; online agents are all listed).
     */
    @AfterEach
    void takeThisTestsAgentsOffline() {
        for (String id : agentsOfThisTest) {
            api.put("/api/v1/agents/" + id + "/presence", obj("status", "offline"));
        }
    }

    /**
     * A unique agent id. It starts with "00" so that it sorts ahead of agents other test classes
     * may have left online: a decision keeps a limited number of candidates, excluded ones in id
     * order, and tests look for their own agents among them.
     */
    protected static String newAgentId() {
        return unique("00-agent");
    }

    /** A unique id such as "agent-3f9a1c2e". */
    protected static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /**
     * A language tag no other test uses (a private-use-style primary subtag "qaa".."qzz"), so that
     * the test's conversations can only go to the test's agents.
     */
    protected static String newLanguage() {
        int n = LANGUAGES.getAndIncrement() % (26 * 26);
        return "q" + (char) ('a' + n / 26) + (char) ('a' + n % 26);
    }

    // ------------------------------------------------------------------ agents

    /** A profile: refund 4, general 3, the given language, team vip-desk, web capacity as given. */
    protected static Map<String, Object> profile(String language, int webCapacity) {
        return obj("name", "Agent " + language, "skills", obj("refund", 4, "general", 3), "languages", List.of(language),
                "teams", List.of("vip-desk"), "capacity", obj("web", webCapacity));
    }

    protected JsonNode putAgent(String id, Map<String, Object> profile) {
        ApiClient.Response r = api.put("/api/v1/agents/" + id, profile);
        assertThat(r.status()).as("PUT agent %s: %s", id, r).isIn(200, 201);
        agentsOfThisTest.add(id);
        return r.json();
    }

    protected JsonNode setPresence(String id, String status) {
        ApiClient.Response r = api.put("/api/v1/agents/" + id + "/presence", obj("status", status));
        assertThat(r.status()).as("presence of %s: %s", id, r).isEqualTo(200);
        return r.json();
    }

    /** Registers an agent with {@link #profile} and sets it online; returns its id. */
    protected String onlineAgent(String language, int webCapacity) {
        String id = newAgentId();
        putAgent(id, profile(language, webCapacity));
        setPresence(id, "online");
        return id;
    }

    protected JsonNode agent(String id) {
        ApiClient.Response r = api.get("/api/v1/agents/" + id);
        assertThat(r.status()).as("GET agent %s: %s", id, r).isEqualTo(200);
        return r.json();
    }

    // ------------------------------------------------------------------ conversations

    /** A Chinese refund request in the given language from a regular customer, with a fresh external id. */
    protected static Map<String, Object> refundRequest(String language) {
        return obj("channel", "web", "externalId", unique("ext"), "text", REFUND_TEXT, "language", language,
                "customer", obj("id", unique("cust"), "tier", "regular"));
    }

    /** The same refund request from a VIP customer. */
    protected static Map<String, Object> vipRefundRequest(String language) {
        return obj("channel", "web", "externalId", unique("ext"), "text", REFUND_TEXT, "language", language,
                "customer", obj("id", unique("cust"), "tier", "vip"));
    }

    /** POSTs a conversation that must be created (201); returns the answer. */
    protected JsonNode create(Map<String, Object> request) {
        ApiClient.Response r = api.post("/api/v1/conversations", request);
        assertThat(r.status()).as("POST conversation: %s", r).isEqualTo(201);
        return r.json();
    }

    protected JsonNode conversation(String id) {
        ApiClient.Response r = api.get("/api/v1/conversations/" + id);
        assertThat(r.status()).as("GET conversation %s: %s", id, r).isEqualTo(200);
        return r.json();
    }

    protected JsonNode close(String id, String outcome, Integer satisfaction) {
        ApiClient.Response r = api.post("/api/v1/conversations/" + id + "/close",
                obj("outcome", outcome, "satisfaction", satisfaction));
        assertThat(r.status()).as("close %s: %s", id, r).isEqualTo(200);
        return r.json();
    }

    protected JsonNode abandon(String id) {
        ApiClient.Response r = api.post("/api/v1/conversations/" + id + "/abandon");
        assertThat(r.status()).as("abandon %s: %s", id, r).isEqualTo(200);
        return r.json();
    }

    /** The conversation's decision trail, oldest first. */
    protected List<JsonNode> trail(String conversationId) {
        ApiClient.Response r = api.get("/api/v1/conversations/" + conversationId + "/decisions");
        assertThat(r.status()).as("decisions of %s: %s", conversationId, r).isEqualTo(200);
        assertThat(r.json().isArray()).as("trail is an array: %s", r).isTrue();
        List<JsonNode> list = new ArrayList<>();
        r.json().forEach(list::add);
        return list;
    }

    protected static List<String> kinds(List<JsonNode> decisions) {
        return decisions.stream().map(d -> d.get("kind").asString()).toList();
    }

    // ------------------------------------------------------------------ problems

    /**
     * Asserts an RFC 9457 problem: the status, {@code application/problem+json}, a detail, and
     * (when {@code field} is not null) an entry in {@code errors} naming the field.
     */
    protected static void assertProblem(ApiClient.Response r, int status, String field) {
        assertThat(r.status()).as("status of %s", r).isEqualTo(status);
        assertThat(r.contentType()).as("content type of %s", r).startsWith(PROBLEM_JSON);
        assertThat(r.json()).as("problem body of %s", r).isNotNull();
        assertThat(r.json().get("status").asInt()).isEqualTo(status);
        assertThat(r.text("title")).isNotBlank();
        assertThat(r.text("detail")).isNotBlank();
        if (field != null) {
            assertThat(r.errorFields()).as("fields named by %s", r).contains(field);
            for (JsonNode e : r.json().get("errors")) {
                assertThat(e.get("message").asString()).as("message of %s", e).isNotBlank();
            }
        }
    }
}
