package io.convrouter.reports;

import java.nio.charset.StandardCharsets;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import io.convrouter.errors.InvalidInputException;

/**
 * Managers' reports: KPIs by a dimension, and rule hit counts with the rules that never fired.
 * JSON by default; CSV with {@code ?format=csv} or {@code Accept: text/csv}.
 */
@RestController
@RequestMapping("/api/v1/reports")
public class ReportController {
    static final MediaType CSV = new MediaType("text", "csv", StandardCharsets.UTF_8);

    private final Reports reports;

    public ReportController(Reports reports) {
        this.reports = reports;
    }

    @GetMapping("/kpis")
    public ResponseEntity<?> kpis(@RequestParam(required = false) String from,
                                  @RequestParam(required = false) String to,
                                  @RequestParam(required = false) String by,
                                  @RequestParam(required = false) String format,
                                  @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        boolean csv = wantsCsv(format, accept);
        KpiReport report = reports.kpis(from, to, by);
        if (!csv) {
            return ResponseEntity.ok(report);
        }
        return csv(ReportCsv.kpis(report), "kpis-by-" + report.by());
    }

    @GetMapping("/rules")
    public ResponseEntity<?> rules(@RequestParam(required = false) String from,
                                   @RequestParam(required = false) String to,
                                   @RequestParam(required = false) String version,
                                   @RequestParam(required = false) String format,
                                   @RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        boolean csv = wantsCsv(format, accept);
        RuleReport report = reports.rules(from, to, version);
        if (!csv) {
            return ResponseEntity.ok(report);
        }
        return csv(ReportCsv.rules(report), "rules");
    }

    private static ResponseEntity<String> csv(String body, String name) {
        return ResponseEntity.ok().contentType(CSV)
                .header(HttpHeaders.CONTENT_DISPOSITION, "attachment; filename=\"" + name + ".csv\"").body(body);
    }

    /** {@code format} wins; without it, CSV when the Accept header lists text/csv before any JSON type. */
    static boolean wantsCsv(String format, String accept) {
        if (format != null && !format.isBlank()) {
            return switch (format.trim()) {
                case "csv" -> true;
                case "json" -> false;
                default -> throw InvalidInputException.of("format", "'" + format + "' is not a report format; use json or csv");
            };
        }
        if (accept == null) {
            return false;
        }
        int csv = accept.indexOf("text/csv");
        int json = accept.indexOf("json");
        return csv >= 0 && (json < 0 || csv < json);
    }
}
