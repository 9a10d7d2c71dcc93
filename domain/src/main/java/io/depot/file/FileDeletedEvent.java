package io.depot.file;

import java.time.Instant;
import java.util.List;

/** A file was deleted; {@code objectKeys} lists every version's object, to be removed from storage. */
public record FileDeletedEvent(String fileId, String ownerId, List<String> objectKeys, Instant deletedAt) {
}
