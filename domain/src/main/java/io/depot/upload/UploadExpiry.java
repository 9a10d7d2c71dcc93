package io.depot.upload;

import java.time.Instant;

/** The deadline by which an upload must complete, as a payload for the deadline manager. */
public record UploadExpiry(String uploadId, String ownerId, Instant expiresAt) {
}
