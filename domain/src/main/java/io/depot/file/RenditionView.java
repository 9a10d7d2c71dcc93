package io.depot.file;

import java.time.Instant;

/**
 * A rendition as the query side shows it: made ({@code available}, with its object and dimensions), or a transform
 * or video rendition still {@code pending} or {@code processing}, or {@code failed} with its reason; the fields it
 * does not have yet are null.
 */
public record RenditionView(String fileId, long version, String name, String objectKey, String contentType,
                            Integer width, Integer height, Long size, Instant createdAt, RenditionStatus status,
                            String failure, Instant requestedAt) {
}
