package io.depot.audit;

import java.time.Instant;

/**
 * One download URL given out.
 *
 * @param userId        who asked, or null for an anonymous download (of a public file, or through a share link)
 * @param clientAddress the address the request came from
 * @param shareId       the share link it came through, or null
 */
public record DownloadRecord(String eventId, String fileId, long version, String userId, String clientAddress,
                             Instant downloadedAt, String shareId) {
}
