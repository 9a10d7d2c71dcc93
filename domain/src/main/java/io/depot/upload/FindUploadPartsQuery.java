package io.depot.upload;

/**
 * Asks for the parts recorded for an upload session, answered with a list of {@link UploadedPart} in part order.
 *
 * @param uploadId the session
 */
public record FindUploadPartsQuery(String uploadId) {
}
