package io.depot.platform.storage;

/** An object's stored size and ETag. */
public record StoredObject(long size, String etag) {
}
