package io.depot.error;

/**
 * Every refusal Depot can give, with a stable code that clients may switch on.
 * The code's slug is part of the public API: it appears as {@code code} and in the problem {@code type}.
 */
public enum ErrorCode {
    VALIDATION_FAILED(ErrorKind.INVALID, "Request is not valid"),
    MALFORMED_REQUEST(ErrorKind.INVALID, "Request cannot be read"),
    REQUEST_REJECTED(ErrorKind.INVALID, "Request not accepted"),
    UNAUTHENTICATED(ErrorKind.UNAUTHORIZED, "Authentication required"),
    FORBIDDEN(ErrorKind.FORBIDDEN, "Not permitted"),
    UPLOAD_NOT_FOUND(ErrorKind.NOT_FOUND, "Upload not found"),
    FILE_NOT_FOUND(ErrorKind.NOT_FOUND, "File not found"),
    NOT_FOUND(ErrorKind.NOT_FOUND, "Not found"),
    INVALID_FILENAME(ErrorKind.INVALID, "Filename not allowed"),
    FORMAT_NOT_SUPPORTED(ErrorKind.INVALID, "Output format not supported"),
    CONTENT_TYPE_NOT_ALLOWED(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "Content type not allowed"),
    CONTENT_TYPE_MISMATCH(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "Content does not match its declared type"),
    INVALID_PART_NUMBER(ErrorKind.INVALID, "Part number out of range"),
    PART_SIZE_MISMATCH(ErrorKind.INVALID, "Part has the wrong size"),
    PART_NOT_STORED(ErrorKind.INVALID, "Part is not in storage"),
    PARTS_MISSING(ErrorKind.INVALID, "Parts are missing"),
    SIZE_MISMATCH(ErrorKind.INVALID, "Stored size differs from the declared size"),
    CHECKSUM_MISMATCH(ErrorKind.INVALID, "Stored content does not match the declared SHA-256"),
    FILE_NOT_READY(ErrorKind.CONFLICT, "File is not available yet"),
    FILE_VERSION_FAILED(ErrorKind.CONFLICT, "File version failed processing"),
    UPLOAD_COMPLETED(ErrorKind.CONFLICT, "Upload is already completed"),
    UPLOAD_ABORTED(ErrorKind.CONFLICT, "Upload was aborted"),
    UPLOAD_GONE(ErrorKind.GONE, "Upload expired or was terminated"),
    UPLOAD_OFFSET_MISMATCH(ErrorKind.CONFLICT, "Upload-Offset is not where the upload stands"),
    UPLOAD_LOCKED(ErrorKind.LOCKED, "Another request is writing this upload"),
    UPLOAD_LENGTH_EXCEEDED(ErrorKind.TOO_LARGE, "More bytes than the upload's length"),
    CHUNK_CHECKSUM_MISMATCH(ErrorKind.CHECKSUM_FAILED, "Chunk does not match its Upload-Checksum"),
    TUS_VERSION_UNSUPPORTED(ErrorKind.PRECONDITION_FAILED, "tus version not supported"),
    RECONCILE_RUN_ENDED(ErrorKind.CONFLICT, "Reconcile run has ended"),
    REPLAY_REFUSED(ErrorKind.CONFLICT, "Processing group cannot be replayed"),
    FILE_INFECTED(ErrorKind.CONFLICT, "File version is infected"),
    VERSION_NOT_FOUND(ErrorKind.NOT_FOUND, "File version not found"),
    VERSION_NOT_AVAILABLE(ErrorKind.CONFLICT, "File version is not available"),
    VERSION_ARCHIVED(ErrorKind.CONFLICT, "File version is archived"),
    VERSION_NOT_ARCHIVED(ErrorKind.CONFLICT, "File version is not archived"),
    LAST_VERSION(ErrorKind.CONFLICT, "The only remaining version cannot be deleted"),
    TRANSFORM_LIMIT_REACHED(ErrorKind.CONFLICT, "The version has as many transforms as it may have"),
    FILENAME_TAKEN(ErrorKind.CONFLICT, "Another file has this name"),
    SHARE_NOT_FOUND(ErrorKind.NOT_FOUND, "Share link not found"),
    SHARE_EXPIRED(ErrorKind.GONE, "Share link expired"),
    SHARE_REVOKED(ErrorKind.GONE, "Share link revoked"),
    SHARE_EXHAUSTED(ErrorKind.GONE, "Share link used up"),
    IDEMPOTENCY_KEY_REUSED(ErrorKind.CONFLICT, "Idempotency-Key reused for another request"),
    IDEMPOTENCY_KEY_IN_PROGRESS(ErrorKind.CONFLICT, "Request with this Idempotency-Key in progress"),
    LENGTH_REQUIRED(ErrorKind.LENGTH_REQUIRED, "Content-Length required"),
    PAYLOAD_TOO_LARGE(ErrorKind.TOO_LARGE, "Payload too large"),
    URI_TOO_LONG(ErrorKind.URI_TOO_LONG, "Request URI too long"),
    HEADERS_TOO_LARGE(ErrorKind.HEADERS_TOO_LARGE, "Request headers too large"),
    METHOD_NOT_ALLOWED(ErrorKind.METHOD_NOT_ALLOWED, "Method not allowed"),
    NOT_ACCEPTABLE(ErrorKind.NOT_ACCEPTABLE, "Not acceptable"),
    UNSUPPORTED_MEDIA_TYPE(ErrorKind.UNSUPPORTED_MEDIA_TYPE, "Unsupported media type"),
    RATE_LIMITED(ErrorKind.TOO_MANY_REQUESTS, "Too many requests"),
    QUOTA_EXCEEDED(ErrorKind.TOO_MANY_REQUESTS, "Daily upload quota exceeded"),
    TOO_MANY_OPEN_UPLOADS(ErrorKind.TOO_MANY_REQUESTS, "Too many open uploads"),
    STORAGE_UNAVAILABLE(ErrorKind.UNAVAILABLE, "Object storage unavailable"),
    STORAGE_ERROR(ErrorKind.BAD_GATEWAY, "Object storage refused the request"),
    SERVICE_UNAVAILABLE(ErrorKind.UNAVAILABLE, "Service unavailable"),
    INTERNAL_ERROR(ErrorKind.INTERNAL, "Internal error");

    private final ErrorKind kind;
    private final String title;

    ErrorCode(ErrorKind kind, String title) {
        this.kind = kind;
        this.title = title;
    }

    public ErrorKind kind() {
        return kind;
    }

    public String title() {
        return title;
    }

    /** The code as it appears in responses, e.g. {@code parts-missing}. */
    public String slug() {
        return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }
}
