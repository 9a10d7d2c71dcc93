package io.depot.upload;

import java.time.Instant;

/**
 * An upload finished: its object is whole in storage and is version {@code version} of file {@code fileId}.
 * {@code ownerId} is null in events recorded before it was named here.
 */
public record UploadCompletedEvent(
        String uploadId,
        String ownerId,
        String fileId,
        long version,
        long size,
        String sha256,
        Instant completedAt) {
}
