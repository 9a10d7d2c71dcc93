package io.depot.platform.storage;

import java.time.Instant;

/** An unfinished multipart upload as storage lists it. */
public record PendingUpload(String key, String storageUploadId, Instant initiated) {
}
