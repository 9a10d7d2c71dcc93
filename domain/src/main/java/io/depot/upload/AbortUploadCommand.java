package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Ends a session without a file. Aborting an aborted session changes nothing.
 *
 * @param uploadId    the session
 * @param requesterId the user aborting it
 * @param reason      why, from {@link AbortReason}
 * @param abortedAt   when
 */
public record AbortUploadCommand(
        @TargetAggregateIdentifier String uploadId,
        String requesterId,
        AbortReason reason,
        Instant abortedAt) {
}
