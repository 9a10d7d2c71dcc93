package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Asks for a version to be scanned for malware. */
public record RequestFileScanCommand(@TargetAggregateIdentifier String fileId, long version) {
}
