package io.depot.file;

import java.time.Instant;

/**
 * No renditions could be made of a version: its bytes are not the image its type claims, or it declares more pixels
 * than Depot decodes. The version itself stays available.
 */
public record FileRenditionFailedEvent(String fileId, long version, String reason, Instant at) {
}
