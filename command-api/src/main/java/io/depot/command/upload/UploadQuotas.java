package io.depot.command.upload;

import io.depot.error.ErrorCode;
import io.depot.platform.axon.Dispatch;
import io.depot.platform.limits.Limit;
import io.depot.platform.limits.LimitsProperties;
import io.depot.platform.limits.RateLimitedException;
import io.depot.platform.limits.RateLimiter;
import io.depot.upload.CountOpenUploadsQuery;
import org.axonframework.messaging.responsetypes.ResponseTypes;
import org.axonframework.queryhandling.QueryGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Duration;

/**
 * A user's share of Depot: at most {@code depot.limits.max-open-uploads-per-user} open upload sessions, and
 * {@code depot.limits.daily-bytes-per-user} bytes declared in initiated uploads per day (a bucket that refills
 * over the day). An initiate that fails after claiming bytes gives them back. The open sessions are counted in a
 * read model: while its store is unreachable the cap is not applied, so that uploads do not depend on it.
 */
@Component
class UploadQuotas {

    private static final Logger log = LoggerFactory.getLogger(UploadQuotas.class);
    private static final Duration DAY = Duration.ofDays(1);
    /** When an open upload may be finished or abandoned is unknowable; a client is told to look again in a minute. */
    private static final Duration OPEN_UPLOADS_RETRY = Duration.ofMinutes(1);

    private final RateLimiter limiter;
    private final LimitsProperties properties;
    private final QueryGateway queries;

    UploadQuotas(ObjectProvider<RateLimiter> limiter, ObjectProvider<LimitsProperties> properties, QueryGateway queries) {
        this.limiter = limiter.getIfAvailable();
        this.properties = properties.getIfAvailable();
        this.queries = queries;
    }

    /** Claims {@code bytes} of the owner's daily quota, if the owner may open another upload. */
    Mono<Void> claim(String ownerId, long bytes) {
        if (limiter == null) {
            return Mono.empty();
        }
        int maxOpen = properties.maxOpenUploadsPerUser();
        Limit daily = dailyLimit();
        Mono<Void> open = Dispatch.query(queries, new CountOpenUploadsQuery(ownerId), ResponseTypes.instanceOf(Long.class))
                .onErrorResume(e -> {
                    // The count is a read model's: while its store is down, uploads go on without the cap.
                    log.warn("open uploads of {} cannot be counted, the cap is not applied: {}", ownerId, e.toString());
                    return Mono.just(0L);
                })
                .flatMap(count -> count < maxOpen ? Mono.<Void>empty() : Mono.error(new RateLimitedException(
                        ErrorCode.TOO_MANY_OPEN_UPLOADS, ownerId + " has " + count + " open uploads, the most allowed is "
                        + maxOpen + "; complete or abort one first",
                        new RateLimiter.Decision(false, maxOpen, 0, OPEN_UPLOADS_RETRY, OPEN_UPLOADS_RETRY))));
        long kib = kib(bytes);
        if (kib > daily.capacity()) {
            return open.then(Mono.error(new RateLimitedException(ErrorCode.QUOTA_EXCEEDED, "an upload of " + bytes
                    + " bytes is larger than the daily quota of " + properties.dailyBytesPerUser().toBytes() + " bytes",
                    new RateLimiter.Decision(false, daily.capacity(), 0, DAY, DAY))));
        }
        return open.then(limiter.consume(key(ownerId), daily, kib)).flatMap(decision -> decision.allowed()
                ? Mono.<Void>empty()
                : Mono.error(new RateLimitedException(ErrorCode.QUOTA_EXCEEDED, ownerId + " may upload "
                + decision.remaining() + " more KiB today; this upload declares " + kib + " KiB", decision)));
    }

    /** Gives back what {@link #claim} took, for an initiate that failed after it. */
    Mono<Void> release(String ownerId, long bytes) {
        if (limiter == null || kib(bytes) > dailyLimit().capacity()) {
            return Mono.empty();
        }
        return limiter.refund(key(ownerId), dailyLimit(), kib(bytes));
    }

    /** The quota counts KiB, so that even a quota of petabytes refills at a rate a bucket can hold. */
    private Limit dailyLimit() {
        return new Limit(Math.max(1, properties.dailyBytesPerUser().toBytes() / 1024), DAY);
    }

    private static long kib(long bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    private static String key(String ownerId) {
        return "bytes:u:" + ownerId;
    }
}
