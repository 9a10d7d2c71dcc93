package io.depot.file;

import java.time.Instant;

/**
 * The owner made a share link: anyone holding its token may read the file's metadata and download it until
 * {@code expiresAt}, at most {@code maxDownloads} times when that is set. Only the SHA-256 of the token's secret
 * is kept.
 *
 * @param fileId       the file
 * @param shareId      the link's id
 * @param actorId      who made it
 * @param tokenHash    SHA-256 of the token's secret, hex
 * @param expiresAt    when it stops working
 * @param maxDownloads how many downloads it gives, or null for any number
 * @param version      the version it serves, or null for the newest available one at each download
 * @param at           when
 */
public record FileSharedEvent(String fileId, String shareId, String actorId, String tokenHash, Instant expiresAt,
                              Integer maxDownloads, Long version, Instant at) {
}
