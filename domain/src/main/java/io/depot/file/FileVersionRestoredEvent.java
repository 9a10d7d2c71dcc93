package io.depot.file;

import java.time.Instant;

/**
 * A version's content became the file's newest version again: {@code version} points at the same stored object as
 * {@code restoredFrom}, without copying bytes, and is available at once with the verdict that version had.
 *
 * @param fileId       the file
 * @param version      the new version
 * @param restoredFrom the version whose content it has
 * @param actorId      who restored it
 * @param filename     the file's name when restored
 * @param contentType  the content's media type
 * @param size         its size in bytes
 * @param sha256       its verified SHA-256, or null
 * @param storageClass where its object is stored
 * @param visibility   the file's visibility when restored
 * @param objectKey    the shared object
 * @param scan         the scan verdict the content already had
 * @param at           when
 */
public record FileVersionRestoredEvent(String fileId, long version, long restoredFrom, String actorId, String filename,
                                       String contentType, long size, String sha256, StorageClass storageClass,
                                       Visibility visibility, String objectKey, ScanStatus scan, Instant at) {
}
