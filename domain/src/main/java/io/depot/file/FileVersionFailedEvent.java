package io.depot.file;

import java.time.Instant;

/** A version failed verification or its scan; {@code reason} tells the owner why. */
public record FileVersionFailedEvent(String fileId, long version, String objectKey, String reason, Instant at) {

    /** This version's key, by which its finalize saga is found. */
    public String versionKey() {
        return FileVersionKey.of(fileId, version);
    }
}
