package io.depot.reconcile;

import java.time.Instant;

/**
 * What Depot recorded about one object key.
 *
 * @param objectKey       the key in storage
 * @param uploadId        the upload that wrote it
 * @param fileId          the file it belongs to
 * @param version         the file version that holds it, once there is one
 * @param state           what storage should hold
 * @param storageUploadId the multipart upload's id in storage, for multipart uploads
 * @param sha256          the version's SHA-256, when known
 * @param updatedAt       when the state last changed
 */
public record ObjectRecord(
        String objectKey,
        String uploadId,
        String fileId,
        Long version,
        ObjectState state,
        String storageUploadId,
        String sha256,
        Instant updatedAt) {
}
