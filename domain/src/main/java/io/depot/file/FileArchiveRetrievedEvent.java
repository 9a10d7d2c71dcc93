package io.depot.file;

import java.time.Instant;

/**
 * Storage finished restoring an archived object: the versions that hold it can be downloaded until {@code until},
 * after which a retrieval must be asked for again.
 *
 * @param fileId    the file
 * @param version   the version the retrieval was asked for
 * @param objectKey the restored object
 * @param until     when storage removes the restored copy
 * @param at        when the completion was seen
 */
public record FileArchiveRetrievedEvent(String fileId, long version, String objectKey, Instant until, Instant at) {
}
