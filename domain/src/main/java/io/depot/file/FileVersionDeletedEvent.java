package io.depot.file;

import java.time.Instant;

/**
 * One version of a file was deleted; the file keeps its others.
 *
 * @param fileId    the file
 * @param version   the deleted version
 * @param actorId   who deleted it
 * @param objectKey the object to remove from storage, or null when another version still uses it (a restore) or
 *                  the version's object was already gone (failed or infected)
 * @param at        when
 */
public record FileVersionDeletedEvent(String fileId, long version, String actorId, String objectKey, Instant at) {
}
