package io.depot.file;

import java.time.Instant;

/**
 * A rendition of a version could not be made: its bytes are not the image (or video) its type claims, or it declares
 * more pixels than Depot decodes. The version itself stays available.
 *
 * @param fileId  the file
 * @param version the version
 * @param name    the rendition that failed (a transform, {@code poster.jpg}, ...); null for the version's standard
 *                image renditions as a whole, as in events recorded before renditions failed one by one
 * @param reason  why
 * @param at      when
 */
public record FileRenditionFailedEvent(String fileId, long version, String name, String reason, Instant at) {
}
