package io.depot.file;

import java.time.Instant;
import java.util.List;

/** The file's tags are now {@code tags} (sorted, as {@link Tags#normalize} makes them). */
public record FileTagsChangedEvent(String fileId, String actorId, List<String> tags, Instant at) {
}
