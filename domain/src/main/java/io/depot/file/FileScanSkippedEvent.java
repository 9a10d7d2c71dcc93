package io.depot.file;

import java.time.Instant;

/** A version was not scanned, by policy; {@code reason} says why (e.g. larger than the scanner accepts). */
public record FileScanSkippedEvent(String fileId, long version, String reason, Instant at) {

    /** Associates the event with the version's finalize saga. */
    public String versionKey() {
        return FileVersionKey.of(fileId, version);
    }
}
