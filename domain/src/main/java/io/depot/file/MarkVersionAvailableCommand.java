package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Makes a verified version the one downloads serve. */
public record MarkVersionAvailableCommand(@TargetAggregateIdentifier String fileId, long version, boolean scanned,
                                          Instant at) {
}
