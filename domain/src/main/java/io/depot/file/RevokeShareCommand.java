package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Revokes a share link of the file; revoking it again changes nothing. */
public record RevokeShareCommand(@TargetAggregateIdentifier String fileId, String requesterId, String shareId,
                                 Instant at) {
}
