package io.convrouter.security;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The keys the server accepts. A presented key is looked up by its SHA-256 digest, so the time a
 * lookup takes says nothing about how much of a stored key a guess got right.
 */
public final class ApiKeys {
    /** Shorter keys are too easy to guess. */
    public static final int MIN_KEY_LENGTH = 16;

    private final List<ApiKey> keys;
    private final Map<String, ApiKey> byDigest = new HashMap<>();

    private ApiKeys(List<ApiKey> keys) {
        this.keys = List.copyOf(keys);
        keys.forEach(k -> byDigest.put(digest(k.key()), k));
    }

    /** One entry as configured; any field may be missing. */
    public record Entry(String name, String role, String key) {
        boolean blank() {
            return isBlank(name) && isBlank(role) && isBlank(key);
        }
    }

    /**
     * Checks every entry (name, a known role, a key long enough, names and keys unique) and
     * throws one exception listing every problem, each naming where it is ({@code source[i].field}).
     * Entries with every field blank are skipped (an unset environment variable in a template).
     */
    public static ApiKeys of(String source, List<Entry> entries) {
        List<String> problems = new ArrayList<>();
        List<ApiKey> keys = new ArrayList<>();
        Set<String> names = new HashSet<>();
        Set<String> digests = new HashSet<>();
        for (int i = 0; i < entries.size(); i++) {
            Entry e = entries.get(i);
            if (e == null || e.blank()) {
                continue;
            }
            String at = source + "[" + i + "]";
            boolean ok = true;
            if (isBlank(e.name())) {
                problems.add(at + ".name: is required (it names the key in logs and in GET /api/v1/whoami)");
                ok = false;
            } else if (!names.add(e.name().trim())) {
                problems.add(at + ".name: '" + e.name().trim() + "' names another key too; names must be unique");
                ok = false;
            }
            Optional<Role> role = Role.fromWire(e.role());
            if (role.isEmpty()) {
                problems.add(at + ".role: " + (isBlank(e.role()) ? "is required" : "'" + e.role() + "' is not a role")
                        + "; use one of " + Role.wireNames());
                ok = false;
            }
            if (isBlank(e.key())) {
                problems.add(at + ".key: is required");
                ok = false;
            } else if (e.key().trim().length() < MIN_KEY_LENGTH) {
                problems.add(at + ".key: is " + e.key().trim().length() + " characters; use at least " + MIN_KEY_LENGTH
                        + " random characters");
                ok = false;
            } else if (!digests.add(digest(e.key().trim()))) {
                problems.add(at + ".key: is the key of another entry too; each key must be unique");
                ok = false;
            }
            if (ok) {
                keys.add(new ApiKey(e.name().trim(), role.get(), e.key().trim()));
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("API key configuration has " + problems.size() + " problem(s):\n  - "
                    + String.join("\n  - ", problems));
        }
        return new ApiKeys(keys);
    }

    public Optional<ApiKey> find(String presented) {
        if (presented == null || presented.isEmpty()) {
            return Optional.empty();
        }
        return Optional.ofNullable(byDigest.get(digest(presented.trim())));
    }

    public List<ApiKey> all() {
        return keys;
    }

    public boolean isEmpty() {
        return keys.isEmpty();
    }

    private static String digest(String key) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(d);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
