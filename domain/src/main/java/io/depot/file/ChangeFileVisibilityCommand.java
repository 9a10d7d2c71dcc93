package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Makes the file public or private. */
public record ChangeFileVisibilityCommand(@TargetAggregateIdentifier String fileId, String requesterId,
                                          Visibility visibility, Instant at) {
}
