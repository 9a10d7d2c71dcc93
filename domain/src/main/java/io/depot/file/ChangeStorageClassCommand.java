package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Records that a version's object was copied to {@code targetKey} in {@code storageClass}; the file decides again,
 * as {@link PlanStorageClassChangeCommand} does, whether the move still stands (the version may have been deleted,
 * moved or pinned meanwhile). Answers a {@link StorageClassChangeOutcome}.
 *
 * @param sourceKey   the object the copy was made from, which must still be the version's
 * @param rule        the lifecycle rule that moved it, or null for the owner's request
 * @param requestedBy the owner who asked, or null for a rule
 */
public record ChangeStorageClassCommand(@TargetAggregateIdentifier String fileId, long version,
                                        StorageClass storageClass, String sourceKey, String targetKey, String rule,
                                        String requestedBy, Instant at) {
}
