package io.depot.upload;

import io.depot.error.DepotException;

/**
 * Why an assembled object cannot become the upload's file: the session ends with {@code reason}, and the client is
 * told {@code failure}.
 */
public record UploadRejection(AbortReason reason, DepotException failure) {

    /** The stored bytes are not of the declared type, or of a type that is not allowed. */
    public static UploadRejection contentRefused(DepotException failure) {
        return new UploadRejection(AbortReason.CONTENT_TYPE_MISMATCH, failure);
    }
}
