package io.depot.audit;

import java.time.Instant;

/**
 * Asks who downloaded what and when, newest first; every filter is optional. Answered with a {@link DownloadPage}.
 *
 * @param fileId only this file's downloads
 * @param userId only this user's downloads
 * @param from   downloads at or after this instant
 * @param to     downloads before this instant
 */
public record FindDownloadsQuery(String fileId, String userId, Instant from, Instant to, int page, int size) {
}
