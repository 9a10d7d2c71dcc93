package io.depot.reconcile;

/** What Depot expects of an object key, as the object records read model tracks it. */
public enum ObjectState {
    /** An upload session is live; the object may or may not exist yet. */
    UPLOADING,
    /** A file version holds the object and is being processed. */
    PROCESSING,
    /** A file version holds the object and may be downloaded. */
    AVAILABLE,
    /** The upload ended without a file: the object should not exist. */
    RELEASED,
    /** The version failed: the object should not exist. */
    FAILED,
    /** The file was deleted: the object should not exist. */
    DELETED;

    /** Whether storage should hold the object. */
    public boolean held() {
        return this == PROCESSING || this == AVAILABLE;
    }
}
