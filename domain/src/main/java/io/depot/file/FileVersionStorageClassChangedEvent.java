package io.depot.file;

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
 *                          still holds it
 * @param rule              the lifecycle rule that moved it, or null when its owner asked
 * @param requestedBy       the owner who asked, or null for a rule
 * @param at                when
 */
public record FileVersionStorageClassChangedEvent(String fileId, long version, StorageClass from, StorageClass to,
                                                  String previousObjectKey, String objectKey, String releasedObjectKey,
                                                  String rule, String requestedBy, Instant at) {
}
