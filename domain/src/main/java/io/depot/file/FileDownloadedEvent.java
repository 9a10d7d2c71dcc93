package io.depot.file;

import java.time.Instant;

/**
 * Somebody was given a download URL for a file. Every download, through a share link or not, is appended on its own
 * by the process that gave the URL, without loading the file, so a file's history does not grow with its downloads;
 * the writer links each one into its hash chain ({@link DownloadChain}), so the trail of downloads is tamper-evident.
 *
 * @param fileId        the file
 * @param version       the version served
 * @param userId        the authenticated user, or null for an anonymous download
 * @param clientAddress the address the request came from
 * @param downloadedAt  when the URL was issued
 * @param shareId       the share link it came through, or null
 * @param link          its place in its writer's hash chain; null only before the writer links it, and in events
 *                      stored before downloads were chained
 */
public record FileDownloadedEvent(String fileId, long version, String userId, String clientAddress,
                                  Instant downloadedAt, String shareId, DownloadLink link) {

    /** A download not yet linked into a chain. */
    public FileDownloadedEvent(String fileId, long version, String userId, String clientAddress, Instant downloadedAt,
                               String shareId) {
        this(fileId, version, userId, clientAddress, downloadedAt, shareId, null);
    }

    /** A download by a user, or an anonymous one of a public file, not yet linked into a chain. */
    public FileDownloadedEvent(String fileId, long version, String userId, String clientAddress, Instant downloadedAt) {
        this(fileId, version, userId, clientAddress, downloadedAt, null, null);
    }

    /** This download at its place in a chain. */
    public FileDownloadedEvent linked(DownloadLink link) {
        return new FileDownloadedEvent(fileId, version, userId, clientAddress, downloadedAt, shareId, link);
    }
}
