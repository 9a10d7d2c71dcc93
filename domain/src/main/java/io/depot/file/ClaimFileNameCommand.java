package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Gives a name to a file unless another of the owner's files holds it ({@code filename-taken}); claiming a name the
 * file holds already changes nothing. Sent before a file's first version is recorded and before a rename.
 */
public record ClaimFileNameCommand(@TargetAggregateIdentifier String nameId, String ownerId, String filename,
                                   String fileId) {
}
