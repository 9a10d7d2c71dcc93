package io.depot.upload;

import io.depot.file.StorageClass;
import io.depot.file.Visibility;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/** The state of an upload session as its owner sees it: what is done and what is missing. */
public record UploadSessionView(
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
        List<UploadedPart> parts,
        Long version,
        Instant initiatedAt,
        Instant expiresAt,
        TusOptions tus,
        UploadWrite write) {

    public UploadSessionView(String uploadId, String fileId, String ownerId, String filename, String contentType,
                             UploadPlan plan, StorageClass storageClass, Visibility visibility, String sha256,
                             String objectKey, String storageUploadId, UploadStatus status, AbortReason abortReason,
                             List<UploadedPart> parts, Long version, Instant initiatedAt, Instant expiresAt) {
        this(uploadId, fileId, ownerId, filename, contentType, plan, storageClass, visibility, sha256, objectKey,
                storageUploadId, status, abortReason, parts, version, initiatedAt, expiresAt, null, UploadWrite.NONE);
    }

    /** Refuses work on a session that has ended. */
    public void requireInProgress() {
        status.requireInProgress(uploadId, abortReason);
    }

    /** The rejection of an assembled object whose size is not the declared one. */
    public Optional<UploadRejection> checkStoredSize(long storedSize) {
        return storedSize == plan.size() ? Optional.empty() : Optional.of(new UploadRejection(AbortReason.SIZE_MISMATCH,
                new DepotException(ErrorCode.SIZE_MISMATCH, "stored object is " + storedSize + " bytes, "
                        + plan.size() + " were declared")));
    }

    /** The rejection of an assembled object whose SHA-256 is not the declared one; none when none was declared. */
    public Optional<UploadRejection> checkSha256(String actual) {
        return sha256 == null || sha256.equals(actual) ? Optional.empty()
                : Optional.of(new UploadRejection(AbortReason.CHECKSUM_MISMATCH, new DepotException(
                ErrorCode.CHECKSUM_MISMATCH, "stored object has SHA-256 " + actual + ", " + sha256 + " was declared")));
    }

    public long bytesUploaded() {
        return parts.stream().mapToLong(UploadedPart::size).sum();
    }

    public List<Integer> missingParts() {
        if (plan.lengthDeferred()) {
            return List.of(parts.size() + 1);
        }
        var done = parts.stream().map(UploadedPart::partNumber).collect(java.util.stream.Collectors.toSet());
        return java.util.stream.IntStream.rangeClosed(1, plan.partCount())
                .filter(n -> !done.contains(n)).boxed().toList();
    }
}
