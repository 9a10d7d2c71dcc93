package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/** Asks whether the file exists and {@code requesterId} owns it (else {@code file-not-found}); records nothing. */
public record CheckFileOwnerCommand(@TargetAggregateIdentifier String fileId, String requesterId) {
}
