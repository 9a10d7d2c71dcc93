package io.depot.upload;

import java.time.Instant;

/**
 * The deadline by which an upload must complete, as a payload for the deadline manager; {@code attempt} counts the
 * tries at expiring it that failed (storage or the event store down), which space out the next.
 */
public record UploadExpiry(String uploadId, String ownerId, Instant expiresAt, int attempt) {

    /** The same expiry, tried once more. */
    public UploadExpiry retried() {
        return new UploadExpiry(uploadId, ownerId, expiresAt, attempt + 1);
    }
}
