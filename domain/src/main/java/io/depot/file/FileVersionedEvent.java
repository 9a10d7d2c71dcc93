package io.depot.file;

import java.time.Instant;

/** A file gained a version (version 1 creates it); fields as in {@link RecordFileVersionCommand}. */
public record FileVersionedEvent(
        String fileId,
        long version,
        String uploadId,
        String ownerId,
        String filename,
        String contentType,
        long size,
        String sha256,
        StorageClass storageClass,
        Visibility visibility,
        String objectKey,
        Instant versionedAt) {

    /** This version's key, by which its finalize saga is found. */
    public String versionKey() {
        return FileVersionKey.of(fileId, version);
    }
}
