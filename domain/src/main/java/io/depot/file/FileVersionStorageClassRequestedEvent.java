package io.depot.file;

import java.time.Instant;

/**
 * The owner asked for a version to be stored in {@code to}, which pins it: lifecycle rules no longer move it. When
 * {@code to} differs from {@code from} the move follows ({@link FileVersionStorageClassChangedEvent}).
 *
 * @param fileId      the file
 * @param version     the version
 * @param from        its class when asked
 * @param to          the class asked for
 * @param objectKey   its object when asked
 * @param requestedBy the owner
 * @param at          when
 */
public record FileVersionStorageClassRequestedEvent(String fileId, long version, StorageClass from, StorageClass to,
                                                    String objectKey, String requestedBy, Instant at) {
}
