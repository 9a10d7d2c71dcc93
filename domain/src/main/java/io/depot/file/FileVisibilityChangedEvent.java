package io.depot.file;

import java.time.Instant;

/** The file became public or private. */
public record FileVisibilityChangedEvent(String fileId, String actorId, Visibility visibility, Instant at) {
}
