package io.depot.file;

import java.time.Instant;
import java.util.List;

/**
 * A file was deleted; {@code objectKeys} lists every version's object, to be removed from storage.
 * {@code lastVersion} is the version current at deletion, so a read model can ignore older events.
 */
public record FileDeletedEvent(String fileId, String ownerId, long lastVersion, List<String> objectKeys,
                               Instant deletedAt) {
}
