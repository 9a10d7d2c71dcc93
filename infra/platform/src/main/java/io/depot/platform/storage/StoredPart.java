package io.depot.platform.storage;

/** A part that storage holds for a multipart upload. */
public record StoredPart(int partNumber, String etag, long size) {
}
