package io.depot.upload;

import java.time.Instant;

/**
 * The holder of an upload's write lease stored bytes up to {@code offset}; the parts among them were recorded before
 * this event as {@link PartUploadedEvent}s. {@code leaseUntil} null: the lease ended. {@code replacedTailKey} is the
 * tail this one replaced, which storage no longer needs.
 */
public record UploadWriteAdvancedEvent(String uploadId, String writeId, long offset, String tailKey, long tailLength,
                                       String replacedTailKey, Instant at, Instant leaseUntil) {
}
