package io.depot.upload;

import java.time.Instant;

/** A part that storage holds. */
public record UploadedPart(int partNumber, String etag, long size, Instant uploadedAt) {
}
