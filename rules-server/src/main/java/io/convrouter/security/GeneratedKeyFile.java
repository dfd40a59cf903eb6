package io.convrouter.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The keys a server makes for itself when none are configured: one per role, random, kept in a
 * file only the owner may read (where the file system has POSIX permissions). The file is written
 * in the same shape as the configuration ({@code routing.security.keys}), so it can be moved into
 * {@code config/application.yaml} as it is.
 */
public final class GeneratedKeyFile {
    private static final SecureRandom RANDOM = new SecureRandom();

    private GeneratedKeyFile() {}

    /** What {@link #loadOrCreate} did. */
    public record Result(ApiKeys keys, boolean created) {}

    /** Reads the file, or creates it with a fresh key per role when it does not exist. */
    public static Result loadOrCreate(Path file) {
        if (!Files.exists(file)) {
            try {
                create(file);
                return new Result(read(file), true);
            } catch (FileAlreadyExistsException raced) {
                // another process created it first: use theirs
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create the API key file " + file.toAbsolutePath() + ": "
                        + e.getMessage(), e);
            }
        }
        return new Result(read(file), false);
    }

    public static ApiKeys read(Path file) {
        JsonNode root;
        try {
            root = YAMLMapper.builder().build().readTree(Files.readString(file, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the API key file " + file.toAbsolutePath() + ": " + e.getMessage(), e);
        } catch (RuntimeException e) {
            throw new IllegalStateException("the API key file " + file.toAbsolutePath() + " is not valid YAML: "
                    + e.getMessage(), e);
        }
        JsonNode list = root == null ? null : root.path("routing").path("security").path("keys");
        if (list == null || !list.isArray() || list.isEmpty()) {
            throw new IllegalStateException("the API key file " + file.toAbsolutePath() + " has no routing.security.keys"
                    + " list; delete it to have new keys made at the next start");
        }
        List<ApiKeys.Entry> entries = new ArrayList<>();
        for (JsonNode k : list) {
            entries.add(new ApiKeys.Entry(text(k, "name"), text(k, "role"), text(k, "key")));
        }
        return ApiKeys.of(file.toAbsolutePath() + ": routing.security.keys", entries);
    }

    private static void create(Path file) throws IOException {
        Path dir = file.toAbsolutePath().getParent();
        if (dir != null) {
            Files.createDirectories(dir);
        }
        StringBuilder yaml = new StringBuilder()
                .append("# API keys of the routing server, made at its first start because none were configured\n")
                .append("# (routing.security.keys). Send one as the X-API-Key header. Keep this file secret.\n")
                .append("# To change them, configure your own keys (this block can be copied into config/application.yaml)\n")
                .append("# or delete this file and restart for new ones.\n")
                .append("routing:\n  security:\n    keys:\n");
        for (Role role : Role.values()) {
            yaml.append("      - name: ").append(role.wireName()).append('\n')
                .append("        role: ").append(role.wireName()).append('\n')
                .append("        key: \"").append(newKey()).append("\"\n");
        }
        boolean posix = Files.getFileStore(dir == null ? Path.of(".") : dir).supportsFileAttributeView("posix");
        if (posix) {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } else {
            Files.createFile(file);
            // Elsewhere (Windows) take read and write away from everyone but the owner as far as Java can.
            java.io.File f = file.toFile();
            f.setReadable(false, false);
            f.setWritable(false, false);
            f.setReadable(true, true);
            f.setWritable(true, true);
        }
        Files.writeString(file, yaml, StandardCharsets.UTF_8);
    }

    /** 32 random bytes, URL-safe Base64 (43 characters): safe in a header, a shell and YAML. */
    static String newKey() {
        byte[] bytes = new byte[32];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    private static String text(JsonNode node, String field) {
        JsonNode v = node.get(field);
        return v == null || v.isNull() ? null : v.asString();
    }
}
