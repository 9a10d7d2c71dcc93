package io.depot.file;

/** A version waits for a malware scan; a scanner answers with the verdict. */
public record FileScanRequestedEvent(String fileId, long version, String objectKey) {

    /** This version's key, by which its finalize saga is found. */
    public String versionKey() {
        return FileVersionKey.of(fileId, version);
    }
}
