package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Records a clean scan of a version. */
public record RecordFileScannedCommand(@TargetAggregateIdentifier String fileId, long version, String engine,
                                       String signatures, Instant at) {
}
