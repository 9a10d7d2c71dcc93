package io.depot.file;

import java.time.Instant;

/** The file is now called {@code toName}; its id, versions and history stay. */
public record FileRenamedEvent(String fileId, String actorId, String fromName, String toName, Instant at) {
}
