package io.depot.upload;

/**
 * Releases what storage holds for an upload that ended without a file: its multipart upload, or its
 * single object. Releasing twice is harmless.
 *
 * @param uploadId        the upload
 * @param objectKey       the object key it wrote to
 * @param storageUploadId the multipart upload id, or null for a single PUT
 */
public record ReleaseUploadStorageCommand(String uploadId, String objectKey, String storageUploadId) {
}
