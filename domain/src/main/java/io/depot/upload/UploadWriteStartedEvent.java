package io.depot.upload;

import java.time.Instant;

/** A request took (or renewed) the write lease of an upload written in order; see {@link StartUploadWriteCommand}. */
public record UploadWriteStartedEvent(String uploadId, String writeId, long offset, Instant at, Instant leaseUntil) {
}
