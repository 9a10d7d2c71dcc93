package io.depot.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.util.Locale;

/** Where an upload session is in its life. */
public enum UploadStatus {
    IN_PROGRESS,
    COMPLETED,
    ABORTED;

    /** Refuses work on a session that has ended: the one wording of that rule. */
    public void requireInProgress(String uploadId, AbortReason abortReason) {
        if (this == COMPLETED) {
            throw new DepotException(ErrorCode.UPLOAD_COMPLETED, "upload " + uploadId + " is already completed");
        }
        if (this == ABORTED) {
            throw new DepotException(ErrorCode.UPLOAD_ABORTED, "upload " + uploadId + " was aborted ("
                    + abortReason.name().toLowerCase(Locale.ROOT) + ")");
        }
    }
}
