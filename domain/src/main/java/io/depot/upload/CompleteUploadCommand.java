package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Closes a session whose object storage has assembled and verified, once the file version exists.
 * Completing a completed session again returns its result and changes nothing.
 *
 * @param uploadId    the session
 * @param requesterId the user completing it
 * @param version     the file version the upload became
 * @param sha256      the verified SHA-256 as lower-case hex, or null when none was declared
 * @param completedAt when it completed
 */
public record CompleteUploadCommand(
        @TargetAggregateIdentifier String uploadId,
        String requesterId,
        long version,
        String sha256,
        Instant completedAt) {
}
