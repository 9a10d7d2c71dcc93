package io.depot.upload;

import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Opens an upload session for which storage is already prepared.
 *
 * @param uploadId          the new session's id
 * @param fileId            the file this upload becomes a version of
 * @param ownerId           the user who uploads
 * @param filename          the file's name as the user gave it (never used in object keys)
 * @param contentType       the declared media type
 * @param plan              how the object is cut into parts
 * @param storageClass      the storage class the object is written in
 * @param visibility        public or private
 * @param sha256            the declared SHA-256 as lower-case hex, or null
 * @param objectKey         the object key the upload writes to
 * @param storageUploadId   the S3 multipart upload id, or null for a single PUT
 * @param initiatedAt       when the session opened
 * @param expiresAt         when an unfinished session expires
 * @param tus               what a tus client said of the upload at creation, or null
 */
public record InitiateUploadCommand(
        @TargetAggregateIdentifier String uploadId,
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

    /** A session opened through Depot's own upload API. */
    public InitiateUploadCommand(String uploadId, String fileId, String ownerId, String filename, String contentType,
                                 UploadPlan plan, StorageClass storageClass, Visibility visibility, String sha256,
                                 String objectKey, String storageUploadId, Instant initiatedAt, Instant expiresAt) {
        this(uploadId, fileId, ownerId, filename, contentType, plan, storageClass, visibility, sha256, objectKey,
                storageUploadId, initiatedAt, expiresAt, null);
    }
}
