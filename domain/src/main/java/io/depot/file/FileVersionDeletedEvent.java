package io.depot.file;

import io.depot.blob.ContentRelease;

import java.time.Instant;

/**
 * One version of a file was deleted; the file keeps its others.
 *
 * @param fileId    the file
 * @param version   the deleted version
 * @param actorId   who deleted it
 * @param objectKey the object to remove from storage, or null when another version still uses it (a restore), the
 *                  version's object was already gone (failed or infected), or it is released through its blob
 * @param at        when
 * @param content   the blob reference to release, when the version was verified and no other version of the file
 *                  holds the same reference; null otherwise
 */
public record FileVersionDeletedEvent(String fileId, long version, String actorId, String objectKey, Instant at,
                                      ContentRelease content) {

    /** A deletion that released no blob reference (as every deletion recorded before blobs existed). */
    public FileVersionDeletedEvent(String fileId, long version, String actorId, String objectKey, Instant at) {
        this(fileId, version, actorId, objectKey, at, null);
    }
}
