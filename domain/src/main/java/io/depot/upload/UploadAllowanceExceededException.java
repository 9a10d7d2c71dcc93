package io.depot.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.time.Duration;

/**
 * A claim the owner's allowance refuses: too many open sessions, or too many bytes for the day.
 *
 * @see UploadAllowance
 */
public class UploadAllowanceExceededException extends DepotException {

    private final long limit;
    private final long remaining;
    private final Duration retryAfter;

    public UploadAllowanceExceededException(ErrorCode code, String detail, long limit, long remaining,
                                            Duration retryAfter) {
        super(code, detail);
        this.limit = limit;
        this.remaining = remaining;
        this.retryAfter = retryAfter;
    }

    /** The limit refused: sessions, or KiB per day. */
    public long limit() {
        return limit;
    }

    /** What is left of it: sessions, or KiB. */
    public long remaining() {
        return remaining;
    }

    /** When the claim could succeed, as far as the allowance knows. */
    public Duration retryAfter() {
        return retryAfter;
    }
}
