package io.depot.upload;

/** Why an upload session ended without a file. */
public enum AbortReason {
    /** The owner aborted it. */
    CLIENT_ABORTED,
    /** The assembled object did not match the declared SHA-256. */
    CHECKSUM_MISMATCH,
    /** The assembled object did not have the declared size. */
    SIZE_MISMATCH,
    /** The stored bytes are not of the declared content type, or of a type that is not allowed. */
    CONTENT_TYPE_MISMATCH,
    /** The session passed its deadline. */
    EXPIRED
}
