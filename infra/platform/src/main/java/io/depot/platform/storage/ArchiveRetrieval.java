package io.depot.platform.storage;

import io.depot.file.RetrievalTier;
import reactor.core.publisher.Mono;

import java.time.Instant;

/**
 * Restores of archived objects (S3 Glacier Flexible Retrieval and Deep Archive): asked for with RestoreObject, then
 * followed with HeadObject's {@code x-amz-restore} header until storage has a readable copy. S3-compatible stores
 * without archive classes (S3Proxy) implement neither; tests replace this piece.
 */
public interface ArchiveRetrieval {

    /** Asks storage to restore {@code key} for {@code days} days; asking while a restore is under way succeeds. */
    Mono<Void> requestRestore(String key, int days, RetrievalTier tier);

    /** Where the restore of {@code key} stands; empty when the object is gone. */
    Mono<RestoreStatus> restoreStatus(String key);

    /**
     * What storage says of an object's restore.
     *
     * @param ongoing whether a restore is under way
     * @param until   while a restored copy is readable, until when; null otherwise
     */
    record RestoreStatus(boolean ongoing, Instant until) {

        public static final RestoreStatus NONE = new RestoreStatus(false, null);

        /** Whether a restored copy is readable: the restore finished and the copy has not expired. */
        public boolean completed() {
            return !ongoing && until != null;
        }
    }
}
