package io.depot.upload;

/** What a completed upload became. */
public record UploadCompletion(String uploadId, String fileId, long version) {
}
