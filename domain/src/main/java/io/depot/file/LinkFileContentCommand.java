package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Records the object the blob of a version's content answered; a change when other uploads stored it first. */
public record LinkFileContentCommand(@TargetAggregateIdentifier String fileId, long version, String blobId,
                                     String objectKey, Instant at) {
}
