package io.depot.upload;

import io.depot.file.StorageClass;
import io.depot.file.Visibility;

import java.time.Instant;
import java.util.List;

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
        Instant expiresAt) {

    public long bytesUploaded() {
        return parts.stream().mapToLong(UploadedPart::size).sum();
    }

    public List<Integer> missingParts() {
        var done = parts.stream().map(UploadedPart::partNumber).collect(java.util.stream.Collectors.toSet());
        return java.util.stream.IntStream.rangeClosed(1, plan.partCount())
                .filter(n -> !done.contains(n)).boxed().toList();
    }
}
