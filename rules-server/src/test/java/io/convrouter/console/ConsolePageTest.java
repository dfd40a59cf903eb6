package io.convrouter.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import io.convrouter.support.ApiClient;
import io.convrouter.support.ApiTestSupport;

/**
 * The console's files come without a key (the page asks for one), from /console and /console/,
 * and its scripts as JavaScript: a browser refuses to run a module served as anything else.
 */
class ConsolePageTest extends ApiTestSupport {
    private static final Path SOURCES = Path.of("src/main/resources/static/console");

    @Test
    void theEntryPageIsServedWithoutAKeyAtConsoleSlash() {
        ApiClient.Response page = api.withoutKey().get("/console/");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.contentType()).startsWith("text/html");
        assertThat(page.raw()).contains("<script type=\"module\" src=\"/console/app.js\">").contains("id=\"main\"");
    }

    @Test
    void consoleWithoutTheSlashRedirectsToIt() throws Exception {
        HttpClient client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/console")).build(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        assertThat(r.statusCode()).isEqualTo(302);
        assertThat(r.headers().firstValue("Location").orElseThrow()).endsWith("/console/");
    }

    @Test
    void everyScriptOfTheConsoleIsServedAsJavaScript() throws IOException {
        List<String> scripts;
        try (Stream<Path> files = Files.walk(SOURCES)) {
            scripts = files.filter(p -> p.toString().endsWith(".js"))
                    .map(p -> SOURCES.relativize(p).toString().replace('\\', '/')).sorted().toList();
        }
        assertThat(scripts).contains("app.js", "pages/trace.js");
        for (String file : scripts) {
            ApiClient.Response r = api.withoutKey().get("/console/" + file);
            assertThat(r.status()).as(file).isEqualTo(200);
            assertThat(r.contentType()).as(file).startsWith("text/javascript");
        }
        ApiClient.Response css = api.withoutKey().get("/console/console.css");
        assertThat(css.status()).isEqualTo(200);
        assertThat(css.contentType()).startsWith("text/css");
    }

    @Test
    void theApiBehindTheConsoleStillNeedsAKey() {
        ApiClient.Response r = api.withoutKey().get("/api/v1/queues");
        assertThat(r.status()).isEqualTo(401);
        assertThat(r.contentType()).startsWith(PROBLEM_JSON);
    }
}
