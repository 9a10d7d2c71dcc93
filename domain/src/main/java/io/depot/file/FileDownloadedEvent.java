package io.depot.file;

import java.time.Instant;

/**
 * Somebody was given a download URL for a file. Downloads by users are appended on their own, without loading the
 * file, so a file's history does not grow with its downloads; a download through a share link is appended by the
 * file itself, which counts the link's downloads.
 *
 * @param fileId        the file
 * @param version       the version served
 * @param userId        the authenticated user, or null for an anonymous download
 * @param clientAddress the address the request came from
 * @param downloadedAt  when the URL was issued
 * @param shareId       the share link it came through, or null
 */
public record FileDownloadedEvent(String fileId, long version, String userId, String clientAddress,
                                  Instant downloadedAt, String shareId) {

    /** A download by a user, or an anonymous one of a public file. */
    public FileDownloadedEvent(String fileId, long version, String userId, String clientAddress, Instant downloadedAt) {
        this(fileId, version, userId, clientAddress, downloadedAt, null);
    }
}
