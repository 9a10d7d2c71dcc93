package io.depot.file;

import java.time.Instant;
import java.util.List;

/**
 * A version's renditions went with it (the version or the file was deleted, or the version failed or was found
 * infected); {@code objectKeys} are to be removed from storage.
 */
public record FileRenditionsRemovedEvent(String fileId, long version, List<String> objectKeys, Instant at) {
}
