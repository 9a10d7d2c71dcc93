package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * A download through a share link: the file checks the token's hash in constant time, the link's expiry, revocation
 * and downloads left, and the version it serves, then counts the use ({@link FileShareUsedEvent}) and answers the
 * {@link SharedFile} to give a URL for. The caller records the download itself, who and from where, in the download
 * trail, naming the link.
 */
public record DownloadSharedFileCommand(@TargetAggregateIdentifier String fileId, String shareId, String tokenHash,
                                        Instant at) {
}
