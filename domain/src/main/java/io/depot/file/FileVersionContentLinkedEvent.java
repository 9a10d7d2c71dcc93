package io.depot.file;

import java.time.Instant;

/**
 * A version's content is held through blob {@code blobId}, whose object is {@code objectKey}. When the same bytes were
 * stored before, in the same storage class, that is their object and {@code replacedKey} is the version's upload's own
 * copy, which goes (the blob's reference says so); else null. Recorded for every verified version before it becomes
 * available, whether or not it was deduplicated, so that the file's history reads the same either way, and no
 * download ever pointed at the replaced copy.
 */
public record FileVersionContentLinkedEvent(String fileId, long version, String blobId, String objectKey,
                                            String replacedKey, Instant at) {
}
