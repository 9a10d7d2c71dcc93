package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Deletes one version of a file, never its only remaining one; deleting it again changes nothing. */
public record DeleteFileVersionCommand(@TargetAggregateIdentifier String fileId, String requesterId, long version,
                                       Instant at) {
}
