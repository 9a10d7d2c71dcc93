package io.depot.file;

import java.time.Instant;
import java.util.List;

/**
 * A file's current metadata, as the query side keeps it: its newest version, and the newest version that
 * can be downloaded, which differ while a new version is processed; and the newest version's scan verdict
 * ({@code scanSignature} names the malware when it is infected), and the latest retrieval of its object when it is
 * archived ({@code retrieval}, else null).
 */
public record FileView(
        String fileId,
        String ownerId,
        String filename,
        String contentType,
        long size,
        String sha256,
        StorageClass storageClass,
        long version,
        FileStatus status,
        String failureReason,
        Visibility visibility,
        Instant createdAt,
        Instant updatedAt,
        List<String> tags,
        Downloadable downloadable,
        ScanStatus scan,
        String scanSignature,
        VersionRetrieval retrieval) {

    /** Whether {@code userId} (null for anonymous) may see this file. */
    public boolean readableBy(String userId) {
        return visibility == Visibility.PUBLIC || ownerId.equals(userId);
    }

    /**
     * The version downloads serve; an archived one ({@code storageClass}) only until {@code retrievedUntil}, when a
     * retrieval made it readable.
     */
    public record Downloadable(long version, String objectKey, long size, String filename, String contentType,
                               StorageClass storageClass, java.time.Instant retrievedUntil) {
    }
}
