package io.depot.file;

import java.time.Instant;

/**
 * One version of a file as the query side keeps it. A failed or infected version keeps its {@code failureReason};
 * a restored one names the version whose content it has.
 */
public record FileVersionView(
        String fileId,
        long version,
        long size,
        String sha256,
        String contentType,
        StorageClass storageClass,
        FileStatus status,
        String failureReason,
        ScanStatus scan,
        String scanSignature,
        Instant createdAt,
        String uploadedBy,
        Long restoredFrom,
        String objectKey) {
}
