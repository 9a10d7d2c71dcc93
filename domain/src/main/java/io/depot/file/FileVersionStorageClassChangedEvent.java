package io.depot.file;

import io.depot.blob.ContentRelease;

import java.time.Instant;

/**
 * A version's object moved to another storage class: it was copied, storage side, to {@code objectKey} in the new
 * class, which the version holds from now on.
 *
 * @param fileId            the file
 * @param version           the version that moved
 * @param from              its class before
 * @param to                its class now
 * @param previousObjectKey the object it held before
 * @param objectKey         the object it holds now, in class {@code to}
 * @param releasedObjectKey the previous object, to remove from storage, or null when another version (a restore)
 *                          still holds it or it is released through its blob
 * @param rule              the lifecycle rule that moved it, or null when its owner asked
 * @param requestedBy       the owner who asked, or null for a rule
 * @param at                when
 * @param releasedContent   the blob reference the version held on its previous (deduplicated) content, to release
 *                          when no other version of the file holds it; null otherwise. The copy in the new class is
 *                          the version's own object, held by no blob
 */
public record FileVersionStorageClassChangedEvent(String fileId, long version, StorageClass from, StorageClass to,
                                                  String previousObjectKey, String objectKey, String releasedObjectKey,
                                                  String rule, String requestedBy, Instant at,
                                                  ContentRelease releasedContent) {

    /** A move that released no blob reference. */
    public FileVersionStorageClassChangedEvent(String fileId, long version, StorageClass from, StorageClass to,
                                               String previousObjectKey, String objectKey, String releasedObjectKey,
                                               String rule, String requestedBy, Instant at) {
        this(fileId, version, from, to, previousObjectKey, objectKey, releasedObjectKey, rule, requestedBy, at, null);
    }
}
