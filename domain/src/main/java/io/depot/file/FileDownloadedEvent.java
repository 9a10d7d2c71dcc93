package io.depot.file;

import java.time.Instant;

/**
 * Somebody was given a download URL for a file. Appended on its own, without loading the file, so a
 * file's history does not grow with its downloads.
 *
 * @param fileId        the file
 * @param version       the version served
 * @param userId        the authenticated user, or null for an anonymous download of a public file
 * @param clientAddress the address the request came from
 * @param downloadedAt  when the URL was issued
 */
public record FileDownloadedEvent(String fileId, long version, String userId, String clientAddress,
                                  Instant downloadedAt) {
}
