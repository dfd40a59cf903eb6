package io.convrouter.audit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;
import tools.jackson.databind.JsonNode;

/**
 * GET /api/v1/decisions/export: the decisions of a time range as CSV or NDJSON, checked row by row
 * against the decisions this test made (the server is shared, so other tests' decisions in the
 * range are there too and are left alone).
 */
class DecisionExportApiTest extends ApiTestSupport {
    /** A customer id with every character CSV must escape, and a leading "=" a spreadsheet would run. */
    private static final String AWKWARD_CUSTOMER = "=cust,\"quoted\" " + java.util.UUID.randomUUID().toString().substring(0, 6);

    private record Made(Instant from, Instant to, Set<String> conversations, List<JsonNode> decisions) {}

    /** An agent, a refund it takes, one from an awkward customer it takes too, one closed: several decisions. */
    private Made traffic() throws InterruptedException {
        Instant from = Instant.now().minusMillis(1);
        String lang = newLanguage();
        onlineAgent(lang, 5);
        JsonNode a = create(refundRequest(lang));
        Map<String, Object> awkward = refundRequest(lang);
        awkward.put("customer", ApiClient.obj("id", AWKWARD_CUSTOMER, "tier", "regular"));
        JsonNode b = create(awkward);
        close(a.get("id").asString(), "resolved", 5);
        Thread.sleep(5); // "to" is exclusive: step past the last decision's millisecond
        Instant to = Instant.now();
        List<JsonNode> decisions = new ArrayList<>(trail(a.get("id").asString()));
        decisions.addAll(trail(b.get("id").asString()));
        assertThat(decisions).hasSize(3);
        return new Made(from, to, Set.of(a.get("id").asString(), b.get("id").asString()), decisions);
    }

    private ApiClient.Response export(Instant from, Instant to, String format) {
        return as("auditor").get("/api/v1/decisions/export?from=" + from + "&to=" + to + "&format=" + format);
    }

    @Test
    void csvHasOneEscapedRowPerDecisionOfTheRange() throws Exception {
        Made made = traffic();
        ApiClient.Response r = export(made.from(), made.to(), "csv");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.contentType()).startsWith("text/csv");

        List<List<String>> rows = parseCsv(r.raw());
        assertThat(rows.get(0)).isEqualTo(DecisionCsv.COLUMNS);
        Map<String, Map<String, String>> ours = new HashMap<>();
        for (List<String> row : rows.subList(1, rows.size())) {
            assertThat(row).as("every row has every column: %s", row).hasSize(DecisionCsv.COLUMNS.size());
            Map<String, String> byColumn = new HashMap<>();
            for (int i = 0; i < row.size(); i++) {
                byColumn.put(DecisionCsv.COLUMNS.get(i), row.get(i));
            }
            if (made.conversations().contains(byColumn.get("conversationId"))) {
                ours.put(byColumn.get("id"), byColumn);
            }
        }
        assertThat(ours).hasSize(made.decisions().size());
        for (JsonNode d : made.decisions()) {
            Map<String, String> row = ours.get(d.get("id").asString());
            assertThat(row).as("row of decision %s", d.get("id")).isNotNull();
            assertThat(row.get("kind")).isEqualTo(d.get("kind").asString());
            assertThat(row.get("at")).isEqualTo(d.get("at").asString());
            assertThat(row.get("outcome")).isEqualTo(d.get("outcome").asString());
            assertThat(row.get("chosenAgentId")).isEqualTo(d.get("chosenAgentId").asString());
            assertThat(row.get("queue")).isEqualTo(d.at("/plan/queue").asString());
            assertThat(row.get("reason")).isEqualTo(d.get("reason").isNull() ? "" : d.get("reason").asString());
            for (JsonNode rule : d.get("rulesFired")) {
                assertThat(row.get("rulesFired")).contains(rule.get("name").asString());
            }
        }
        assertThat(ours.values()).as("the awkward customer id survives the round trip, made harmless for spreadsheets")
                .anyMatch(row -> row.get("customerId").equals("'" + AWKWARD_CUSTOMER));
    }

    @Test
    void ndjsonHasTheDecisionsAsTheApiShowsThemOldestFirst() throws Exception {
        Made made = traffic();
        ApiClient.Response r = export(made.from(), made.to(), "ndjson");
        assertThat(r.status()).as("%s", r).isEqualTo(200);
        assertThat(r.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> ours = new ArrayList<>();
        Instant previous = Instant.MIN;
        for (String line : r.raw().split("\n")) {
            JsonNode d = ApiClient.JSON.readTree(line);
            Instant at = Instant.parse(d.get("at").asString());
            assertThat(at).as("oldest first").isAfterOrEqualTo(previous).isAfterOrEqualTo(made.from()).isBefore(made.to());
            previous = at;
            if (made.conversations().contains(d.get("conversationId").asString())) {
                ours.add(d);
            }
        }
        assertThat(ours).containsExactlyInAnyOrderElementsOf(made.decisions());
    }

    @Test
    void theFileIsStreamedNotSizedUpFront() throws Exception {
        Made made = traffic();
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + port() + "/api/v1/decisions/export?from=" + made.from()
                                + "&to=" + made.to()))
                .header("X-API-Key", io.convrouter.support.TestKeys.AUDITOR).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Length")).as("a buffered body would carry its length").isEmpty();
        assertThat(response.headers().firstValue("Content-Disposition").orElse(""))
                .startsWith("attachment; filename=\"decisions-").endsWith(".csv\"");
    }

    @Test
    void aBadRangeOrFormatIsAProblemNamingTheParameter() {
        Instant t = Instant.parse("2026-11-25T10:00:00Z");
        assertProblem(export(t, t, "csv"), 400, "from");
        assertProblem(export(t.plusSeconds(60), t, "csv"), 400, "from");
        assertProblem(export(t, t.plusSeconds(60), "xlsx"), 400, "format");
        assertProblem(as("auditor").get("/api/v1/decisions/export?from=" + t), 400, "to");
        assertProblem(as("auditor").get("/api/v1/decisions/export?from=yesterday&to=" + t), 400, "from");
    }

    @Test
    void onlyAuditorsAndAdminsMayExport() {
        Instant t = Instant.parse("2026-11-25T10:00:00Z");
        String path = "/api/v1/decisions/export?from=" + t + "&to=" + t.plusSeconds(1);
        assertThat(as("admin").get(path).status()).isEqualTo(200);
        assertProblem(as("supervisor").get(path), 403, null);
        assertProblem(as("ops").get(path), 403, null);
        assertProblem(as("integration").get(path), 403, null);
    }

    /** RFC 4180: quoted fields may hold commas, doubled quotes and line breaks; rows end with CRLF. */
    static List<List<String>> parseCsv(String text) {
        List<List<String>> rows = new ArrayList<>();
        List<String> row = new ArrayList<>();
        StringBuilder cell = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (quoted) {
                if (c == '"' && i + 1 < text.length() && text.charAt(i + 1) == '"') {
                    cell.append('"');
                    i++;
                } else if (c == '"') {
                    quoted = false;
                } else {
                    cell.append(c);
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                row.add(cell.toString());
                cell.setLength(0);
            } else if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
                row.add(cell.toString());
                cell.setLength(0);
                rows.add(row);
                row = new ArrayList<>();
                i++;
            } else {
                cell.append(c);
            }
        }
        assertThat(cell.length() == 0 && row.isEmpty()).as("the file ends with a complete row").isTrue();
        return rows;
    }
}
