package io.depot.command.upload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Answer to {@code GET /v1/uploads/{id}}: everything a client needs to resume, including fresh presigned
 * URLs for the parts still missing while the upload is in progress.
 */
record UploadStateResponse(
        String uploadId,
        String fileId,
        String status,
        String abortReason,
        String filename,
        String contentType,
        long size,
        long partSize,
        int partCount,
        long bytesUploaded,
        List<PartResponse> partsUploaded,
        List<Integer> missingParts,
        List<MissingPartUrl> presignedUrls,
        Map<String, String> uploadHeaders,
        Long version,
        Instant initiatedAt,
        Instant expiresAt,
        Instant urlsExpireAt) {

    record MissingPartUrl(int partNumber, String url) {
    }
}
