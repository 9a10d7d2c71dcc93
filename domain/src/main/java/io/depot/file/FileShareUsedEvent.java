package io.depot.file;

import java.time.Instant;

/**
 * A share link was used for a download: the file counts it against the link's downloads. The download itself, with
 * who and from where, is recorded apart as a {@link FileDownloadedEvent} naming the link, in the download trail.
 *
 * @param fileId  the file
 * @param shareId the link used
 * @param version the version served
 * @param at      when it was used
 */
public record FileShareUsedEvent(String fileId, String shareId, long version, Instant at) {
}
