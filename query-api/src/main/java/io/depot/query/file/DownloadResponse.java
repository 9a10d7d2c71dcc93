package io.depot.query.file;

import java.time.Instant;

/** A presigned URL for one file version, valid until {@code expires_at}; it honours HTTP range requests. */
record DownloadResponse(String url, Instant expiresAt, long version, long size) {
}
