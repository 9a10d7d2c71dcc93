package io.depot.file;

import java.time.Instant;

/**
 * What a share link gives its holder: the version it serves and that version's metadata, and how long and how many
 * more times the link works ({@code downloadsLeft} null when unlimited).
 */
public record SharedFile(String fileId, String shareId, long version, String filename, String contentType, long size,
                         String sha256, String objectKey, Instant expiresAt, Integer downloadsLeft) {
}
