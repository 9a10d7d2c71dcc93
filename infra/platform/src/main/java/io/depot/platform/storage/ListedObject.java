package io.depot.platform.storage;

import java.time.Instant;

/** An object as a bucket listing shows it. */
public record ListedObject(String key, long size, Instant lastModified) {
}
