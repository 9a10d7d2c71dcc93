package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Gives the file a new name, normalized by {@link Filenames#normalize}. The caller has claimed the name first
 * ({@link ClaimFileNameCommand}), so no other file of the owner has it.
 */
public record RenameFileCommand(@TargetAggregateIdentifier String fileId, String requesterId, String filename,
                                Instant at) {
}
