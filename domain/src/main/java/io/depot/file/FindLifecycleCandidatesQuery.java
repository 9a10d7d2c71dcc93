package io.depot.file;

import java.time.Instant;

/**
 * Versions a lifecycle rule may move, oldest first: available, not deleted, not pinned by their owner, created before
 * {@code createdBefore}, in {@code scope} and in a class warmer than {@code storageClass}. Answers a list of
 * {@link VersionRef}. The read model may lag: the file decides each move again.
 */
public record FindLifecycleCandidatesQuery(LifecycleScope scope, Instant createdBefore, StorageClass storageClass,
                                           int limit) {
}
