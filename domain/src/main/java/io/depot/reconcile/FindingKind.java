package io.depot.reconcile;

/** A disagreement between object storage and what Depot recorded. */
public enum FindingKind {
    /** An object that no file version and no live upload holds. */
    ORPHAN_OBJECT,
    /** A live file version whose object is not in storage. */
    MISSING_OBJECT,
    /** An unfinished multipart upload that no live upload session holds. */
    STRAY_MULTIPART_UPLOAD,
    /** A sampled object whose bytes no longer hash to the version's SHA-256. */
    CHECKSUM_MISMATCH
}
