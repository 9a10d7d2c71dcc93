package io.depot.upload;

import java.time.Instant;

/**
 * An upload session ended without a file; its storage is to be released. {@code ownerId} is null in events recorded
 * before it was named here.
 */
public record UploadAbortedEvent(
        String uploadId,
        String ownerId,
        String objectKey,
        String storageUploadId,
        AbortReason reason,
        Instant abortedAt) {
}
