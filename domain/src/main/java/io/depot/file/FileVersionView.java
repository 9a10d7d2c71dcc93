package io.depot.file;

import java.time.Instant;

/**
 * One version of a file as the query side keeps it. A failed or infected version keeps its {@code failureReason};
 * a restored one names the version whose content it has. {@code pinned}: its owner asked for its storage class, so
 * lifecycle rules leave it alone; {@code retrieval}: the latest retrieval of its archived object, or null.
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
        String objectKey,
        boolean pinned,
        VersionRetrieval retrieval) {

    /** Until when its object is readable after a retrieval, or null. */
    public java.time.Instant retrievedUntil() {
        return retrieval == null ? null : retrieval.availableUntil();
    }
}
