package io.depot.file;

import java.time.Instant;

/**
 * A version can be downloaded. {@code scanned} says whether a scanner cleared it or policy let it through
 * unscanned.
 */
public record FileVersionAvailableEvent(String fileId, long version, String objectKey, boolean scanned, Instant at) {

    /** This version's key, by which its finalize saga is found. */
    public String versionKey() {
        return FileVersionKey.of(fileId, version);
    }
}
