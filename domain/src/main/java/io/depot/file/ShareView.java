package io.depot.file;

import java.time.Instant;

/**
 * A share link as its owner sees it: never its token, which only its holder has.
 *
 * @param downloads how many downloads it gave
 * @param revokedAt when it was revoked, or null
 * @param fileDeleted whether the file it shares was deleted since
 */
public record ShareView(String shareId, String fileId, Instant createdAt, Instant expiresAt, Integer maxDownloads,
                        int downloads, Long version, Instant revokedAt, boolean fileDeleted) {
}
