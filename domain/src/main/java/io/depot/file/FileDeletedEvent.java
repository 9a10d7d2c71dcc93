package io.depot.file;

import io.depot.blob.ContentRelease;

import java.time.Instant;
import java.util.List;

/**
 * A file was deleted. {@code objectKeys} lists the objects of its versions that held no blob reference, to be
 * removed from storage; {@code contentReleases} the blob references its verified versions held, to be released
 * (their objects go when no other version anywhere uses them). {@code lastVersion} is the version current at
 * deletion, so a read model can ignore older events.
 */
public record FileDeletedEvent(String fileId, String ownerId, long lastVersion, List<String> objectKeys,
                               Instant deletedAt, List<ContentRelease> contentReleases) {

    public FileDeletedEvent {
        contentReleases = contentReleases == null ? List.of() : List.copyOf(contentReleases);
    }

    /** A deletion that released no blob references (as every deletion recorded before blobs existed). */
    public FileDeletedEvent(String fileId, String ownerId, long lastVersion, List<String> objectKeys,
                            Instant deletedAt) {
        this(fileId, ownerId, lastVersion, objectKeys, deletedAt, List.of());
    }
}
