package io.depot.upload;

/** Where an upload session is in its life. */
public enum UploadStatus {
    IN_PROGRESS,
    COMPLETED,
    ABORTED
}
