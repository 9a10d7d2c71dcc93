package io.depot.file;

/** Whether a file's current version can be downloaded. */
public enum FileStatus {
    AVAILABLE
}
