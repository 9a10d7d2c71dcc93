package io.depot.upload;

import java.time.Instant;

/** An upload session ended without a file; its storage is to be released. */
public record UploadAbortedEvent(
        String uploadId,
        String objectKey,
        String storageUploadId,
        AbortReason reason,
        Instant abortedAt) {
}
