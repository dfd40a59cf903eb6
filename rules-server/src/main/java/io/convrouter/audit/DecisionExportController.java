package io.convrouter.audit;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;

import io.convrouter.errors.InvalidInputException;
import tools.jackson.databind.ObjectMapper;

/**
 * The decision log of a time range as a file for auditors: CSV or NDJSON (one decision as JSON per
 * line, exactly as the API shows it). Rows are written as the store's cursor yields them, oldest
 * first, so a month of decisions never sits in memory at once.
 */
@RestController
@RequestMapping("/api/v1/decisions/export")
public class DecisionExportController {
    private static final Logger log = LoggerFactory.getLogger(DecisionExportController.class);
    public static final MediaType CSV = MediaType.parseMediaType("text/csv;charset=UTF-8");
    public static final MediaType NDJSON = MediaType.parseMediaType("application/x-ndjson;charset=UTF-8");

    private final DecisionLog decisions;
    private final ObjectMapper json;

    public DecisionExportController(DecisionLog decisions, ObjectMapper json) {
        this.decisions = decisions;
        this.json = json;
    }

    @GetMapping
    public ResponseEntity<StreamingResponseBody> export(@RequestParam Instant from, @RequestParam Instant to,
                                                        @RequestParam(defaultValue = "csv") String format,
                                                        @RequestParam(required = false) String conversationId,
                                                        @RequestParam(required = false) String agentId,
                                                        @RequestParam(required = false) String rule,
                                                        @RequestParam(required = false) String queue) {
        if (!from.isBefore(to)) {
            throw InvalidInputException.of("from", "must be before 'to' (" + from + " is not before " + to + ")");
        }
        boolean csv = switch (format) {
            case "csv" -> true;
            case "ndjson" -> false;
            default -> throw InvalidInputException.of("format", "'" + format + "' is not an export format; use csv or ndjson");
        };
        DecisionQuery query = new DecisionQuery(from, to, conversationId, agentId, rule, queue, 0, 1);
        String file = "decisions-" + stamp(from) + "-" + stamp(to) + (csv ? ".csv" : ".ndjson");
        StreamingResponseBody body = out -> {
            Writer w = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 64 * 1024);
            long[] rows = {0};
            try {
                if (csv) {
                    w.write(DecisionCsv.header());
                }
                decisions.forEach(query, d -> {
                    try {
                        w.write(csv ? DecisionCsv.row(d) : json.writeValueAsString(d) + "\n");
                        rows[0]++;
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                });
                w.flush();
            } catch (UncheckedIOException e) {
                // The client went away mid-file; the store's cursor is closed by now.
                log.info("decision export {} stopped after {} rows: {}", file, rows[0], e.getCause().getMessage());
                throw e.getCause();
            }
        };
        return ResponseEntity.ok()
                .contentType(csv ? CSV : NDJSON)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + file + "\"")
                .body(body);
    }

    private static String stamp(Instant t) {
        return t.toString().replace(":", "");
    }
}
