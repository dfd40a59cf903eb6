package io.convrouter.policy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import io.convrouter.classify.PolicyFile;
import io.convrouter.errors.InvalidInputException;

/** Unpacks uploaded files: a zip becomes the ruleset files inside it, anything else stays as it is. */
public final class PolicyArchive {
    /** Limits that keep a hostile zip from exhausting memory. */
    public static final long MAX_TOTAL_BYTES = 50L * 1024 * 1024;
    public static final int MAX_ENTRIES = 500;

    private PolicyArchive() {}

    public static List<PolicyFile> expand(String name, byte[] content) {
        if (!name.toLowerCase(Locale.ROOT).endsWith(".zip")) {
            return List.of(new PolicyFile(baseName(name), content));
        }
        List<PolicyFile> files = new ArrayList<>();
        long total = 0;
        try (ZipInputStream zip = new ZipInputStream(new ByteArrayInputStream(content))) {
            ZipEntry e;
            int entries = 0;
            while ((e = zip.getNextEntry()) != null) {
                if (++entries > MAX_ENTRIES) {
                    throw InvalidInputException.of("files", name + " has more than " + MAX_ENTRIES + " entries");
                }
                String path = e.getName().replace('\\', '/');
                if (e.isDirectory() || path.startsWith("__MACOSX/") || baseName(path).startsWith(".")
                        || baseName(path).startsWith("~$")) {
                    continue;
                }
                byte[] bytes = zip.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, MAX_TOTAL_BYTES - total + 1));
                total += bytes.length;
                if (total > MAX_TOTAL_BYTES) {
                    throw InvalidInputException.of("files", name + " unpacks to more than " + (MAX_TOTAL_BYTES >> 20) + " MB");
                }
                PolicyFile f = new PolicyFile(stripTopFolder(path), bytes);
                if (f.isRulesetFile()) {
                    files.add(f);
                }
            }
        } catch (IOException ex) {
            throw InvalidInputException.of("files", name + " is not a readable zip: " + ex.getMessage());
        }
        return files;
    }

    private static String baseName(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? path : path.substring(slash + 1);
    }

    /** "rules/routing.drl.xlsx" in a zip of the rules folder is just "routing.drl.xlsx". */
    private static String stripTopFolder(String path) {
        return path.startsWith("rules/") ? path.substring("rules/".length()) : path;
    }
}
