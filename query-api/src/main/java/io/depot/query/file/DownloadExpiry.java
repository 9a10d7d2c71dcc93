package io.depot.query.file;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.time.Duration;

/**
 * How long a download URL is valid: the {@code expiry} query parameter of every download route, in whole seconds, at
 * least 1, 300 when absent, capped by {@code depot.storage.max-download-url-expiry}. One parser, so every route
 * refuses the same bad value with the same problem.
 */
final class DownloadExpiry {

    static final long DEFAULT_SECONDS = 300;

    private DownloadExpiry() {
    }

    /** The validity {@code value} asks for, capped at {@code max}; null or empty asks for the default. */
    static Duration of(String value, Duration max) {
        long seconds = DEFAULT_SECONDS;
        if (value != null && !value.isEmpty()) {
            try {
                seconds = Long.parseLong(value);
            } catch (NumberFormatException e) {
                throw new DepotException(ErrorCode.VALIDATION_FAILED, "expiry must be a whole number of seconds");
            }
        }
        if (seconds < 1) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "expiry must be at least 1 second");
        }
        return Duration.ofSeconds(Math.min(seconds, max.toSeconds()));
    }
}
