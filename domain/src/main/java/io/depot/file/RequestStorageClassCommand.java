package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * The owner asks for one available version to be stored in {@code storageClass}, and pins it there: lifecycle rules
 * leave it alone from then on. Answers whether a move is pending (false when the version is in that class already).
 * An archived version moves only while a retrieval of it is available.
 */
public record RequestStorageClassCommand(@TargetAggregateIdentifier String fileId, String requesterId, long version,
                                         StorageClass storageClass, Instant at) {
}
