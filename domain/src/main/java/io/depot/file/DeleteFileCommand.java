package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Deletes a file and all its versions; answers a {@link FileRemoval}. */
public record DeleteFileCommand(@TargetAggregateIdentifier String fileId, String requesterId, Instant deletedAt) {
}
