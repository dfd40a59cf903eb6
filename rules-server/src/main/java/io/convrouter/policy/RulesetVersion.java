package io.convrouter.policy;

import java.time.Instant;
import java.util.List;

/**
 * One version of the routing policies: its files (by content hash), who submitted it and why,
 * how it validated, and its place in the activation history.
 */
public record RulesetVersion(String version, RulesetStatus status, Instant createdAt, String author, String note,
                             String source, List<FileInfo> files, ValidationReport report, Instant activatedAt,
                             Instant retiredAt) {

    /** A file of the version; its bytes are fetched separately. */
    public record FileInfo(String path, long size, String sha256) {}

    public RulesetVersion withStatus(RulesetStatus s, Instant activated, Instant retired) {
        return new RulesetVersion(version, s, createdAt, author, note, source, files, report, activated, retired);
    }
}
