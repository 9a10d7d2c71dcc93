package io.depot.platform.limits;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import org.springframework.http.HttpHeaders;

/** A refusal by a rate limit or quota; its response says when to come back. */
public class RateLimitedException extends DepotException {

    private final RateLimiter.Decision decision;

    public RateLimitedException(ErrorCode code, String detail, RateLimiter.Decision decision) {
        super(code, detail);
        this.decision = decision;
    }

    /** Whole seconds until the bucket holds a token again, at least one. */
    public static long retryAfterSeconds(RateLimiter.Decision decision) {
        return seconds(decision.retryAfter());
    }

    /** {@code Retry-After} and the {@code RateLimit-*} fields of the IETF draft on rate-limit headers. */
    public static void describe(HttpHeaders headers, RateLimiter.Decision decision) {
        headers.set("RateLimit-Limit", Long.toString(decision.limit()));
        headers.set("RateLimit-Remaining", Long.toString(decision.remaining()));
        headers.set("RateLimit-Reset", Long.toString(seconds(decision.reset())));
        if (!decision.allowed()) {
            headers.set(HttpHeaders.RETRY_AFTER, Long.toString(seconds(decision.retryAfter())));
        }
    }

    public void describe(HttpHeaders headers) {
        describe(headers, decision);
    }

    private static long seconds(java.time.Duration duration) {
        return Math.max(1, (duration.toMillis() + 999) / 1000);
    }
}
