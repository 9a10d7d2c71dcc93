package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Declares the length of an upload created without one (tus's creation-defer-length). Declaring the same length again
 * changes nothing; another length, or one below the bytes written, is refused.
 */
public record DeclareUploadLengthCommand(
        @TargetAggregateIdentifier String uploadId,
        String requesterId,
        long size,
        Instant at) {
}
