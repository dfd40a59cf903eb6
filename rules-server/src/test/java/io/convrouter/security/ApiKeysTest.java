package io.convrouter.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configured keys are checked all at once; generated keys are random, one per role, owner-only, and kept. */
class ApiKeysTest {

    @Test
    void everyConfigurationProblemIsListedWithWhereItIs() {
        assertThatThrownBy(() -> ApiKeys.of("routing.security.keys", List.of(
                new ApiKeys.Entry("crm", "integration", "k-0123456789abcdef"),
                new ApiKeys.Entry("crm", "ops", "k-0123456789abcdeX"),
                new ApiKeys.Entry(null, "root", "short"),
                new ApiKeys.Entry("bi", "auditor", "k-0123456789abcdef"))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("5 problem(s)")
                .hasMessageContaining("routing.security.keys[1].name: 'crm' names another key too")
                .hasMessageContaining("routing.security.keys[2].name: is required")
                .hasMessageContaining("routing.security.keys[2].role: 'root' is not a role; use one of [integration, ops, supervisor, auditor, admin]")
                .hasMessageContaining("routing.security.keys[2].key: is 5 characters; use at least 16")
                .hasMessageContaining("routing.security.keys[3].key: is the key of another entry too")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("k-0123456789abcdef"));
    }

    @Test
    void blankSlotsAreSkippedAndKeysAreFoundByValue() {
        ApiKeys keys = ApiKeys.of("k", Arrays.asList(new ApiKeys.Entry(null, null, null), null,
                new ApiKeys.Entry("desk", "Integration", " k-0123456789abcdef ")));
        assertThat(keys.all()).hasSize(1);
        assertThat(keys.find("k-0123456789abcdef")).hasValueSatisfying(k -> {
            assertThat(k.name()).isEqualTo("desk");
            assertThat(k.role()).isEqualTo(Role.INTEGRATION);
        });
        assertThat(keys.find("k-0123456789abcdeF")).isEmpty();
        assertThat(keys.find("")).isEmpty();
        assertThat(keys.all().get(0).toString()).doesNotContain("k-0123456789abcdef");
    }

    @Test
    void aGeneratedFileHasOneRandomKeyPerRoleReadableByItsOwnerOnlyAndIsKept(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("data").resolve("api-keys.yaml");
        GeneratedKeyFile.Result first = GeneratedKeyFile.loadOrCreate(file);
        assertThat(first.created()).isTrue();
        assertThat(first.keys().all()).extracting(ApiKey::role).containsExactly(Role.values());
        assertThat(first.keys().all()).extracting(ApiKey::key).doesNotHaveDuplicates()
                .allSatisfy(k -> assertThat(k).hasSizeGreaterThanOrEqualTo(40).matches("[A-Za-z0-9_-]+"));
        if (Files.getFileStore(file).supportsFileAttributeView("posix")) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file))).isEqualTo("rw-------");
        }
        GeneratedKeyFile.Result again = GeneratedKeyFile.loadOrCreate(file);
        assertThat(again.created()).isFalse();
        assertThat(again.keys().all()).isEqualTo(first.keys().all());
        Set<String> other = Set.copyOf(GeneratedKeyFile.loadOrCreate(dir.resolve("other.yaml")).keys().all().stream()
                .map(ApiKey::key).toList());
        assertThat(first.keys().all()).extracting(ApiKey::key).doesNotContainAnyElementsOf(other);
    }

    @Test
    void aBrokenKeyFileStopsTheStartSayingWhatToDo(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("api-keys.yaml");
        Files.writeString(file, "routing:\n  security: {}\n");
        assertThatThrownBy(() -> GeneratedKeyFile.loadOrCreate(file)).hasMessageContaining(file.toString())
                .hasMessageContaining("delete it");
    }
}
