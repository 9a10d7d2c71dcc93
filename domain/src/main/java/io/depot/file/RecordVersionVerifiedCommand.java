package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Records that a version's object checked out, with its SHA-256 when one is known. */
public record RecordVersionVerifiedCommand(@TargetAggregateIdentifier String fileId, long version, String sha256) {
}
