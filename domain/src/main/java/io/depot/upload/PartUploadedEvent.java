package io.depot.upload;

import java.time.Instant;

/** A part of an upload is in storage; fields as in {@link RecordPartCommand}. */
public record PartUploadedEvent(String uploadId, int partNumber, String etag, long size, Instant uploadedAt) {
}
