package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Records a part that storage holds. Recording the same part with the same ETag again changes nothing;
 * a new ETag replaces the part.
 *
 * @param uploadId    the session
 * @param requesterId the user reporting the part
 * @param partNumber  1-based part number
 * @param etag        the ETag storage gave the part
 * @param size        the part's stored length in bytes
 * @param uploadedAt  when the part was recorded
 */
public record RecordPartCommand(
        @TargetAggregateIdentifier String uploadId,
        String requesterId,
        int partNumber,
        String etag,
        long size,
        Instant uploadedAt) {
}
