package io.depot.command.upload;

/** What a completed upload became. */
record CompleteUploadResponse(String uploadId, String fileId, long version, long size, String sha256,
                              String status) {
}
