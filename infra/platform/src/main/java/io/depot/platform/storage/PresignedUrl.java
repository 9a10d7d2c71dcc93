package io.depot.platform.storage;

import java.time.Instant;

/** A URL that grants one request on one object until it expires. */
public record PresignedUrl(String url, Instant expiresAt) {
}
