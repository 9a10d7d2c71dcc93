package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * A download through a share link: the file checks the token's hash in constant time, the link's expiry, revocation
 * and downloads left, and the version it serves, then records a {@link FileDownloadedEvent} naming the link and
 * answers the {@link SharedFile} to give a URL for.
 */
public record DownloadSharedFileCommand(@TargetAggregateIdentifier String fileId, String shareId, String tokenHash,
                                        String clientAddress, Instant at) {
}
