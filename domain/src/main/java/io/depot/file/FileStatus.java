package io.depot.file;

/** Where a file's newest version is between upload and download. */
public enum FileStatus {
    /** Uploaded; being verified and, where policy requires it, scanned. Not downloadable yet. */
    PROCESSING,
    /** Verified, and scanned clean where a scanner is configured: downloadable. */
    AVAILABLE,
    /** Failed verification; its object is removed and the reason recorded. */
    FAILED,
    /** The scanner found malware; never downloadable, its object quarantined. */
    INFECTED
}
