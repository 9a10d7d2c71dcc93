package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Asks an upload session itself for its state, answered with its {@link UploadSessionView}; it changes nothing and
 * records nothing. For when the read model cannot answer (its store is down, or it has not caught up): the upload
 * path goes on from the session's own state.
 *
 * @param uploadId    the session
 * @param requesterId the user asking; to anyone but the owner the session does not exist
 */
public record DescribeUploadSessionCommand(
        @TargetAggregateIdentifier String uploadId,
        String requesterId) {
}
