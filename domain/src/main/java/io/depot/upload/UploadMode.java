package io.depot.upload;

/** How the bytes reach storage: one object PUT, or an S3 multipart upload. */
public enum UploadMode {
    SINGLE,
    MULTIPART
}
