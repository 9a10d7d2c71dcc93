package io.depot.file;

/** Where a file's newest version is between upload and download. */
public enum FileStatus {
    /** Uploaded; being verified and, where policy requires it, scanned. Not downloadable yet. */
    PROCESSING,
    /** Verified, and clean or allowed unscanned: downloadable. */
    AVAILABLE,
    /** Failed verification or the scan; its object is removed and the reason recorded. */
    FAILED
}
