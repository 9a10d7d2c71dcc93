package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Makes an available version's content the file's newest version again; answers the new version's number. */
public record RestoreFileVersionCommand(@TargetAggregateIdentifier String fileId, String requesterId, long version,
                                        Instant at) {
}
