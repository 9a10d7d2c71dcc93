package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Deletes a file and all its versions; deleting a deleted file changes nothing. */
public record DeleteFileCommand(@TargetAggregateIdentifier String fileId, String requesterId, Instant deletedAt) {
}
