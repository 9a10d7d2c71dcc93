package io.depot.query.file;

import java.time.Instant;

/**
 * A download URL for one file version, valid until {@code expires_at} (absent for a public file's plain CDN URL, which
 * does not expire); it honours HTTP range requests.
 */
record DownloadResponse(String url, Instant expiresAt, long version, long size) {
}
