package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Asks the file what a share link's holder may see ({@link SharedFile}), checking the token against the link as
 * {@link DownloadSharedFileCommand} does, without counting a download. Records nothing.
 */
public record DescribeShareCommand(@TargetAggregateIdentifier String fileId, String shareId, String tokenHash,
                                   Instant at) {
}
