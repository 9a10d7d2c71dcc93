package io.depot.upload;

/**
 * Asks for an upload session's state without its parts, answered with an {@link UploadSessionSummary} (or nothing
 * for an unknown upload). As a subscription query, its updates are the session's state after each change.
 *
 * @param uploadId the session
 */
public record FindUploadSessionQuery(String uploadId) {
}
