package io.depot.file;

import java.time.Instant;

/** The owner revoked a share link; it never works again. */
public record FileShareRevokedEvent(String fileId, String shareId, String actorId, Instant at) {
}
