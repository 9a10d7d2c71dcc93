package io.depot.file;

import java.time.Instant;

/**
 * Making the rendition {@code name} of a version began; it is shown as {@code processing} until it is created or
 * fails.
 */
public record FileRenditionStartedEvent(String fileId, long version, String name, Instant at) {
}
