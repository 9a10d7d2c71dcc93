package io.depot.file;

import java.time.Instant;
import java.util.List;

/** A file's current metadata, as the query side keeps it. */
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
        Visibility visibility,
        String objectKey,
        Instant createdAt,
        Instant updatedAt,
        List<String> tags) {

    /** Whether {@code userId} (null for anonymous) may see this file. */
    public boolean readableBy(String userId) {
        return visibility == Visibility.PUBLIC || ownerId.equals(userId);
    }
}
