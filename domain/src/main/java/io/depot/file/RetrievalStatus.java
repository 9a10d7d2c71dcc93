package io.depot.file;

/** Where the retrieval of an archived version stands. */
public enum RetrievalStatus {
    /** Asked for; storage is restoring the object (hours, for S3 Glacier). */
    REQUESTED,
    /** Restored and readable until the retrieval's {@code availableUntil}. */
    AVAILABLE
}
