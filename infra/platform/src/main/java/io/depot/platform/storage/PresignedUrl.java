package io.depot.platform.storage;

import java.time.Instant;

/** A URL that grants one request on one object until it expires; {@code expiresAt} is null for one that never does. */
public record PresignedUrl(String url, Instant expiresAt) {
}
