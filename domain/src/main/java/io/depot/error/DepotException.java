package io.depot.error;

/** A refusal with a stable {@link ErrorCode} and a detail meant for the client. */
public class DepotException extends RuntimeException {

    private final ErrorCode code;

    public DepotException(ErrorCode code, String detail) {
        super(detail);
        this.code = code;
    }

    public DepotException(ErrorCode code, String detail, Throwable cause) {
        super(detail, cause);
        this.code = code;
    }

    public ErrorCode code() {
        return code;
    }
}
