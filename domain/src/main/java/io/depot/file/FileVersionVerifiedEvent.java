package io.depot.file;

/** A version's object is present, of the declared size, and has this SHA-256 (null when none was computed). */
public record FileVersionVerifiedEvent(String fileId, long version, String sha256) {

    /** This version's key, by which its finalize saga is found. */
    public String versionKey() {
        return FileVersionKey.of(fileId, version);
    }
}
