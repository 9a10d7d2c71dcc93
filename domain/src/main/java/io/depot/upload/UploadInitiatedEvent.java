package io.depot.upload;

import io.depot.file.StorageClass;
import io.depot.file.Visibility;

import java.time.Instant;

/** An upload session was opened; fields as in {@link InitiateUploadCommand}. */
public record UploadInitiatedEvent(
        String uploadId,
        String fileId,
        String ownerId,
        String filename,
        String contentType,
        UploadPlan plan,
        StorageClass storageClass,
        Visibility visibility,
        String sha256,
        String objectKey,
        String storageUploadId,
        Instant initiatedAt,
        Instant expiresAt,
        TusOptions tus) {

    /** A session opened through Depot's own upload API (and every session recorded before tus). */
    public UploadInitiatedEvent(String uploadId, String fileId, String ownerId, String filename, String contentType,
                                UploadPlan plan, StorageClass storageClass, Visibility visibility, String sha256,
                                String objectKey, String storageUploadId, Instant initiatedAt, Instant expiresAt) {
        this(uploadId, fileId, ownerId, filename, contentType, plan, storageClass, visibility, sha256, objectKey,
                storageUploadId, initiatedAt, expiresAt, null);
    }
}
