package io.depot.file;

import java.time.Instant;

/**
 * The scanner found malware in a version: {@code signature} names it. The version is never downloadable; its object
 * moves to {@code quarantineKey}, or is deleted when that is null.
 */
public record FileInfectedEvent(String fileId, long version, String objectKey, String signature, String quarantineKey,
                                Instant at) {

    /** Associates the event with the version's finalize saga. */
    public String versionKey() {
        return FileVersionKey.of(fileId, version);
    }
}
