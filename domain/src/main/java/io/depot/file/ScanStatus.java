package io.depot.file;

/** Where a version stands with the malware scanner. */
public enum ScanStatus {
    /** A scan is requested and has no verdict yet; the version is not downloadable. */
    PENDING,
    /** The scanner found nothing. */
    CLEAN,
    /** The scanner found malware; the version is never downloadable and its object is quarantined. */
    INFECTED,
    /** Not scanned, by policy: too large for the scanner with {@code depot.scan.too-large=skip}. */
    SKIPPED,
    /** No scanner is configured: the version was never scanned. */
    NOT_CONFIGURED
}
