package io.depot.platform.limits;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;

import java.time.Duration;

/**
 * Per-user and per-client-address rate limits ({@code depot.limits.*}), each written {@code <count>/<duration>}.
 * With a Redis configured ({@code depot.redis.uri}; {@code depot.limits.redis-uri} is its older name), every
 * instance draws from the same buckets in Redis; without one (the all-in-one default) buckets live in the process.
 * While Redis is unreachable each instance falls back to buckets of its own.
 *
 * @param enabled               switches rate limits off entirely
 * @param redisTimeout          how long a bucket operation may wait for Redis before the local fallback decides
 * @param keyPrefix             prefix of every bucket's Redis key
 * @param dailyBytesPerUser     bytes a user may declare in initiated uploads per day
 * @param maxOpenUploadsPerUser upload sessions a user may have open at once
 * @param redisLease            with Redis, the most tokens an instance takes from a shared bucket in one call, to
 *                              grant from memory until they are spent; never more than a fiftieth of the bucket's
 *                              capacity (a bucket of less than 100 is always asked token by token). Tokens are taken
 *                              from the shared bucket before they are granted, so a limit is exceeded only by tokens
 *                              leased before a refill and granted after it: at most one lease per instance and bucket.
 *                              1 asks Redis for every request
 * @param redisLeaseTtl         how long an instance keeps the tokens of a lease it has not spent; then they are dropped
 *                              (the bucket is not refunded: an idle instance holds nothing back for longer)
 */
@ConfigurationProperties("depot.limits")
public record LimitsProperties(
        @DefaultValue("true") boolean enabled,
        @DefaultValue("500ms") Duration redisTimeout,
        @DefaultValue("depot:limits:") String keyPrefix,
        @DefaultValue("60/1m") String initiatePerUser,
        @DefaultValue("240/1m") String initiatePerAddress,
        @DefaultValue("3000/1m") String partPerUser,
        @DefaultValue("6000/1m") String partPerAddress,
        @DefaultValue("60/1m") String completePerUser,
        @DefaultValue("240/1m") String completePerAddress,
        @DefaultValue("600/1m") String downloadPerUser,
        @DefaultValue("1200/1m") String downloadPerAddress,
        @DefaultValue("1TB") DataSize dailyBytesPerUser,
        @DefaultValue("100") int maxOpenUploadsPerUser,
        @DefaultValue("20") int redisLease,
        @DefaultValue("1s") Duration redisLeaseTtl) {

    /** Every limit is parsed at start-up, so a mistyped one stops the service instead of failing requests. */
    public LimitsProperties {
        for (String limit : new String[]{initiatePerUser, initiatePerAddress, partPerUser, partPerAddress,
                completePerUser, completePerAddress, downloadPerUser, downloadPerAddress}) {
            Limit.parse(limit);
        }
        if (redisLease < 1) {
            throw new IllegalArgumentException("depot.limits.redis-lease must be at least 1");
        }
    }

    /** The tokens an instance leases at once from a shared bucket of {@code limit}; 1 for no leases. */
    long leaseOf(Limit limit) {
        return Math.max(1, Math.min(redisLease, limit.capacity() / 50));
    }

    /** The per-user and per-address limits of an operation. */
    Limit perUser(Operation operation) {
        return Limit.parse(switch (operation) {
            case INITIATE -> initiatePerUser;
            case PART -> partPerUser;
            case COMPLETE -> completePerUser;
            case DOWNLOAD -> downloadPerUser;
        });
    }

    Limit perAddress(Operation operation) {
        return Limit.parse(switch (operation) {
            case INITIATE -> initiatePerAddress;
            case PART -> partPerAddress;
            case COMPLETE -> completePerAddress;
            case DOWNLOAD -> downloadPerAddress;
        });
    }

    /** The limited operations. */
    public enum Operation {
        INITIATE, PART, COMPLETE, DOWNLOAD
    }
}
