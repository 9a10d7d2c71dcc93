package io.depot.file;

import java.time.Instant;

/**
 * The owner asked for an archived version's object to be restored for reading; a worker asks storage to restore
 * it, and a poll records when storage finished ({@link FileArchiveRetrievedEvent}).
 *
 * @param fileId      the file
 * @param version     the version
 * @param objectKey   its archived object (versions restored from it share the retrieval)
 * @param days        how long the restored copy stays readable
 * @param tier        how fast storage restores it
 * @param requestedBy the owner
 * @param at          when
 */
public record FileArchiveRetrievalRequestedEvent(String fileId, long version, String objectKey, int days,
                                                 RetrievalTier tier, String requestedBy, Instant at) {
}
