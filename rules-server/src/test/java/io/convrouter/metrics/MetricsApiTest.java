package io.convrouter.metrics;

import static io.convrouter.support.ApiClient.obj;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ClockedApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * /actuator/prometheus after real traffic, on the test's clock: an offer that times out and is
 * offered again, a conversation left waiting, a rebalancer run. Each meter moves by what the
 * traffic did (the dispatch timers and the rebalancer run only when this test fires them).
 */
class MetricsApiTest extends ClockedApiTestSupport {
    /** Classified as intent price, queue sales (offers, 20 s to accept); see OfferApiTest. */
    private static final String PRICE_TEXT = "这款羽绒服的价格是多少";
    private static final String COMPLAINT_TEXT = "我要投诉，客服态度太差了";

    /** Conversations left waiting, abandoned after each test: other tests count what waits in their queues. */
    private final java.util.List<String> waitingOfThisTest = new java.util.ArrayList<>();

    @org.junit.jupiter.api.AfterEach
    void abandonWhatThisTestLeftWaiting() {
        waitingOfThisTest.forEach(this::abandon);
    }

    private JsonNode leaveWaiting(String text, String language) {
        JsonNode c = create(request(text, language));
        assertThat(c.get("status").asString()).as("%s", c).isEqualTo("queued");
        waitingOfThisTest.add(c.get("id").asString());
        return c;
    }

    @Test
    void eachRoutingMeterShowsTheTrafficThatHappened() {
        Map<String, Double> before = scrape();

        String lang = newLanguage();
        Map<String, Object> sales = agentProfile(lang, obj("sales", 3, "general", 2), 2);
        onlineAgent(sales);
        onlineAgent(sales);
        onlineAgent(sales); // idle: the offer could move to it, so the rebalance solves (it skips when nothing can move)
        JsonNode price = create(request(PRICE_TEXT, lang));
        assertThat(price.get("status").asString()).as("%s", price).isEqualTo("offered");
        String firstRule = price.get("rulesFired").get(0).get("name").asString();
        advanceAndTick(Duration.ofSeconds(20)); // the offer times out and goes to the other agent
        JsonNode waiting = leaveWaiting(COMPLAINT_TEXT, newLanguage()); // nobody speaks it: it waits
        String queue = waiting.get("queue").asString();
        ApiClient.Response run = api.post("/api/v1/rebalance");
        assertThat(run.status()).as("%s", run).isEqualTo(200);

        Map<String, Double> after = scrape();
        assertThat(delta(before, after, "routing_decisions_total", "kind=\"routed\"")).isEqualTo(2);
        assertThat(delta(before, after, "routing_decisions_total", "kind=\"timed_out\"")).isEqualTo(1);
        assertThat(delta(before, after, "routing_offers_timed_out_total", "")).isEqualTo(1);
        assertThat(delta(before, after, "routing_decision_duration_seconds_count", "kind=\"routed\"")).isEqualTo(2);
        assertThat(after.keySet()).as("histogram buckets")
                .anyMatch(k -> k.startsWith("routing_decision_duration_seconds_bucket{") && k.contains("kind=\"routed\""));
        assertThat(delta(before, after, "routing_rule_hits_total", "rule=\"" + firstRule + "\"")).isGreaterThanOrEqualTo(1);
        assertThat(value(after, "routing_queue_waiting", "queue=\"" + queue + "\"")).isGreaterThanOrEqualTo(1);
        assertThat(value(after, "routing_queue_longest_wait_seconds", "queue=\"" + queue + "\"")).isGreaterThanOrEqualTo(0);
        assertThat(after.keySet()).anyMatch(k -> k.startsWith("routing_queue_estimated_wait_seconds{"));
        assertThat(after.keySet()).anyMatch(k -> k.startsWith("routing_queue_service_level{"));
        assertThat(delta(before, after, "routing_solver_runs_total", "result=\"ran\"")).isEqualTo(1);
        assertThat(delta(before, after, "routing_solver_duration_seconds_count", "")).isEqualTo(1);
        assertThat(after.keySet()).anyMatch(k -> k.startsWith("routing_solver_score{") && k.contains("level=\"hard\""));
        assertThat(after.keySet()).anyMatch(k -> k.startsWith("routing_solver_moves_total"));
    }

    @Test
    void aQueueGaugeCountsTheConversationsWaitingInIt() {
        String lang = newLanguage();
        JsonNode first = leaveWaiting(COMPLAINT_TEXT, lang);
        String queue = "queue=\"" + first.get("queue").asString() + "\"";
        double waitingBefore = value(scrape(), "routing_queue_waiting", queue);
        leaveWaiting(COMPLAINT_TEXT, lang);
        leaveWaiting(COMPLAINT_TEXT, lang);
        assertThat(value(scrape(), "routing_queue_waiting", queue)).isEqualTo(waitingBefore + 2);
        abandon(first.get("id").asString());
        waitingOfThisTest.remove(first.get("id").asString());
        assertThat(value(scrape(), "routing_queue_waiting", queue)).isEqualTo(waitingBefore + 1);
    }

    @Test
    void theScrapeNeedsAMonitoringRole() {
        assertThat(as("supervisor").get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(as("ops").get("/actuator/prometheus").status()).isEqualTo(200);
        assertThat(as("integration").get("/actuator/prometheus").status()).isEqualTo(403);
        assertThat(api.withoutKey().get("/actuator/prometheus").status()).isEqualTo(401);
    }

    /** The scrape as "name{labels}" to value, labels as Prometheus writes them. */
    private Map<String, Double> scrape() {
        ApiClient.Response r = as("supervisor").get("/actuator/prometheus", "text/plain");
        assertThat(r.status()).as("%s", r.status()).isEqualTo(200);
        Map<String, Double> samples = new LinkedHashMap<>();
        for (String line : r.raw().split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            int space = line.lastIndexOf(' ');
            String value = line.substring(space + 1);
            samples.put(line.substring(0, space), value.equals("NaN") ? Double.NaN : Double.parseDouble(value));
        }
        return samples;
    }

    /** The sum over the series of a metric whose labels contain {@code label} (e.g. {@code kind="routed"}). */
    private static double value(Map<String, Double> samples, String metric, String label) {
        double sum = 0;
        boolean found = false;
        for (Map.Entry<String, Double> e : samples.entrySet()) {
            String key = e.getKey();
            String name = key.contains("{") ? key.substring(0, key.indexOf('{')) : key;
            if (name.equals(metric) && key.contains(label) && !e.getValue().isNaN()) {
                sum += e.getValue();
                found = true;
            }
        }
        assertThat(found).as("%s{%s} in the scrape: %s", metric, label, samples.keySet().stream()
                .filter(k -> k.startsWith("routing_")).toList()).isTrue();
        return sum;
    }

    private static double delta(Map<String, Double> before, Map<String, Double> after, String metric, String label) {
        boolean existed = before.keySet().stream().anyMatch(k -> k.startsWith(metric) && k.contains(label));
        return value(after, metric, label) - (existed ? value(before, metric, label) : 0);
    }
}
