package io.depot.upload;

import java.time.Instant;

/**
 * An upload finished: its object is whole in storage and is version {@code version} of file {@code fileId}.
 */
public record UploadCompletedEvent(
        String uploadId,
        String fileId,
        long version,
        long size,
        String sha256,
        Instant completedAt) {
}
