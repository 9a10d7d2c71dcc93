package io.depot.command.upload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Answer to {@code POST /v1/uploads/initiate}: for a multipart upload {@code part_size} and one presigned
 * URL per part (URL i is part i+1); for a file that fits one part a single {@code presigned_url}.
 */
record InitiateUploadResponse(
        String uploadId,
        String fileId,
        Long partSize,
        Integer partCount,
        List<String> presignedUrls,
        String presignedUrl,
        Map<String, String> uploadHeaders,
        Instant expiresAt) {
}
