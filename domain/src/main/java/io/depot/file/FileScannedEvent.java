package io.depot.file;

import java.time.Instant;

/** The scanner found nothing in a version: {@code engine} and {@code signatures} say which scanner and database. */
public record FileScannedEvent(String fileId, long version, String engine, String signatures, Instant at) {

    /** Associates the event with the version's finalize saga. */
    public String versionKey() {
        return FileVersionKey.of(fileId, version);
    }
}
