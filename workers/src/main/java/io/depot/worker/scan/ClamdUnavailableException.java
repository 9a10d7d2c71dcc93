package io.depot.worker.scan;

import java.io.IOException;

/**
 * clamd gave no verdict: it could not be reached, failed or timed out, closed the connection, or answered something
 * other than a verdict (including its own {@code ... ERROR} replies other than the size limit). Transient as far
 * as Depot can tell: the caller retries later.
 */
public class ClamdUnavailableException extends IOException {

    public ClamdUnavailableException(String message) {
        super(message);
    }

    public ClamdUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
