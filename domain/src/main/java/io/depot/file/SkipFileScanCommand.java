package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Records that policy lets a version go unscanned, and why. */
public record SkipFileScanCommand(@TargetAggregateIdentifier String fileId, long version, String reason, Instant at) {
}
