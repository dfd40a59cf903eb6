package io.convrouter.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import io.convrouter.testing.JsonHttp;
import io.convrouter.testing.RoutingApp;

/**
 * A server with no keys configured makes one per role at its first start, says where in the log
 * (never the keys), accepts them, and uses the same file after a restart.
 */
@ExtendWith(OutputCaptureExtension.class)
class GeneratedKeysStartTest {

    /** The test configuration's five keys, blanked: an empty slot counts as no key. */
    private static List<String> noConfiguredKeys(Path keyFile) {
        List<String> args = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            for (String field : List.of("name", "role", "key")) {
                args.add("--routing.security.keys[" + i + "]." + field + "=");
            }
        }
        args.add("--routing.security.key-file=" + keyFile);
        return args;
    }

    @Test
    void theFirstStartMakesKeysAndTheNextUsesThem(@TempDir Path dir, CapturedOutput output) throws Exception {
        Path keyFile = dir.resolve("api-keys.yaml");
        String integrationKey;
        try (RoutingApp app = RoutingApp.start(noConfiguredKeys(keyFile).toArray(String[]::new))) {
            assertThat(keyFile).exists();
            ApiKeys keys = GeneratedKeyFile.read(keyFile);
            integrationKey = keys.all().stream().filter(k -> k.role() == Role.INTEGRATION).findFirst().orElseThrow().key();
            String base = "http://127.0.0.1:" + app.bean(org.springframework.core.env.Environment.class)
                    .getProperty("local.server.port");
            JsonHttp.Response whoami = new JsonHttp(base, integrationKey).get("/api/v1/whoami");
            assertThat(whoami.status()).isEqualTo(200);
            assertThat(whoami.text("role")).isEqualTo("integration");
            assertThat(new JsonHttp(base).get("/api/v1/whoami").status()).as("the test admin key is not configured here")
                    .isEqualTo(401);
            assertThat(output.getAll()).contains(keyFile.toAbsolutePath().toString());
            for (ApiKey k : keys.all()) {
                assertThat(output.getAll()).doesNotContain(k.key());
            }
        }
        String before = Files.readString(keyFile);
        try (RoutingApp app = RoutingApp.start(noConfiguredKeys(keyFile).toArray(String[]::new))) {
            String base = "http://127.0.0.1:" + app.bean(org.springframework.core.env.Environment.class)
                    .getProperty("local.server.port");
            assertThat(new JsonHttp(base, integrationKey).get("/api/v1/whoami").status()).isEqualTo(200);
        }
        assertThat(Files.readString(keyFile)).isEqualTo(before);
    }
}
