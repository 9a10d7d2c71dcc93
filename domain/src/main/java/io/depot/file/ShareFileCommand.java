package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Makes a share link of the file; the caller made its id and token ({@link ShareTokens}). Fields as in
 * {@link FileSharedEvent}. Sending it again with the same share id changes nothing.
 */
public record ShareFileCommand(@TargetAggregateIdentifier String fileId, String requesterId, String shareId,
                               String tokenHash, Instant expiresAt, Integer maxDownloads, Long version, Instant at) {
}
