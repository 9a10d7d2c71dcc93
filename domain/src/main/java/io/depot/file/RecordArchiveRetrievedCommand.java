package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Records that storage finished restoring {@code objectKey}, readable until {@code until}. Changes nothing when no
 * retrieval of that object is under way (recorded already, or the version moved since).
 */
public record RecordArchiveRetrievedCommand(@TargetAggregateIdentifier String fileId, long version, String objectKey,
                                            Instant until, Instant at) {
}
