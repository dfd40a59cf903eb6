package io.convrouter.sim;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;

/** Writes report.json and report.html. Both depend on the scenario and seed only: same seed, same bytes. */
final class ReportFiles {
    private static final JsonMapper JSON = JsonMapper.builder().enable(SerializationFeature.INDENT_OUTPUT).build();

    private ReportFiles() {}

    static String json(Map<String, Object> report) {
        return JSON.writeValueAsString(report) + "\n";
    }

    static void write(Runner.Report report, Path dir) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> map = report.toMap();
        Files.writeString(dir.resolve("report.json"), json(map), StandardCharsets.UTF_8);
        Files.writeString(dir.resolve("report.html"), new HtmlReport(map).render(), StandardCharsets.UTF_8);
    }
}
