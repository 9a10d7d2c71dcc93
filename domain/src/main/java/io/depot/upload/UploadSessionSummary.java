package io.depot.upload;

import io.depot.file.StorageClass;
import io.depot.file.Visibility;

import java.time.Instant;
import java.util.List;

/**
 * An upload session as the read model keeps it, without its parts: what a part upload, a progress report or a
 * waiting command needs, at the same cost for an upload of one part or of 10,000.
 *
 * @param partsUploaded how many distinct parts are recorded
 * @param bytesUploaded their bytes
 * @param sequence      the sequence number of the session's last event this state includes
 */
public record UploadSessionSummary(
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
        UploadStatus status,
        AbortReason abortReason,
        int partsUploaded,
        long bytesUploaded,
        Long version,
        Instant initiatedAt,
        Instant expiresAt,
        long sequence) {

    /** The summary of a whole session, at {@code sequence} (-1 when unknown). */
    public static UploadSessionSummary of(UploadSessionView view, long sequence) {
        return new UploadSessionSummary(view.uploadId(), view.fileId(), view.ownerId(), view.filename(),
                view.contentType(), view.plan(), view.storageClass(), view.visibility(), view.sha256(), view.objectKey(),
                view.storageUploadId(), view.status(), view.abortReason(), view.parts().size(), view.bytesUploaded(),
                view.version(), view.initiatedAt(), view.expiresAt(), sequence);
    }

    /** Refuses work on a session that has ended. */
    public void requireInProgress() {
        status.requireInProgress(uploadId, abortReason);
    }

    /** The whole session, with the parts recorded. */
    public UploadSessionView withParts(List<UploadedPart> parts) {
        return new UploadSessionView(uploadId, fileId, ownerId, filename, contentType, plan, storageClass, visibility,
                sha256, objectKey, storageUploadId, status, abortReason, parts, version, initiatedAt, expiresAt);
    }
}
