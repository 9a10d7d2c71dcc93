package io.depot.file;

import java.time.Instant;

/** A rendition as the query side shows it. */
public record RenditionView(String fileId, long version, String name, String objectKey, String contentType, int width,
                            int height, long size, Instant createdAt) {
}
