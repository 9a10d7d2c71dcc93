package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Asks the file how one version's object would move to {@code storageClass}: answers a {@link StorageClassMove}, or
 * null when there is nothing to move (the version is not available, already in that class or, for a rule, in a colder
 * one or pinned by its owner; for an owner's request, a later request replaced this one). Records nothing.
 *
 * @param rule        the lifecycle rule that asks, or null for the owner's request
 * @param requestedBy the owner who asked, or null for a rule
 */
public record PlanStorageClassChangeCommand(@TargetAggregateIdentifier String fileId, long version,
                                            StorageClass storageClass, String rule, String requestedBy, Instant at) {
}
