package io.depot.platform.limits;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.depot.platform.redis.SharedRedis;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/**
 * Token buckets (Bucket4j), in Redis when one is configured ({@link SharedRedis}) so that every instance draws from
 * the same bucket, else in this process. While Redis is unreachable, the decision falls back to a bucket in this
 * process: limits then hold per instance, never not at all, and the service stays up; once the shared connection is
 * back, decisions use Redis again. The fallback is counted ({@code depot.limits.redis.fallbacks}) and logged at most
 * once a minute. Both kinds of bucket are kept in bounded caches of {@value #LOCAL_BUCKETS} keys each.
 */
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final int LOCAL_BUCKETS = 100_000;

    private final LimitsProperties properties;
    private final Clock clock;
    private final Counter fallbacks;
    private final SharedRedis sharedRedis;
    private final Cache<String, Bucket> local = Caffeine.newBuilder().maximumSize(LOCAL_BUCKETS).build();
    /**
     * One proxy per shared bucket, reused by every request for it: Bucket4j's batching then folds concurrent
     * requests for a hot bucket into one compare-and-swap instead of letting each retry against the others.
     */
    private final Cache<String, AsyncBucketProxy> sharedBuckets = Caffeine.newBuilder().maximumSize(LOCAL_BUCKETS).build();
    private volatile StatefulRedisConnection<String, byte[]> managedConnection;
    private volatile AsyncProxyManager<String> redis;
    private volatile Instant lastWarning = Instant.MIN;

    public RateLimiter(LimitsProperties properties, SharedRedis sharedRedis, Clock clock, MeterRegistry meters) {
        this.properties = properties;
        this.sharedRedis = sharedRedis;
        this.clock = clock;
        this.fallbacks = Counter.builder("depot.limits.redis.fallbacks")
                .description("Rate-limit decisions made by a local bucket because Redis failed")
                .register(meters);
    }

    /** What a bucket said to a request. */
    public record Decision(boolean allowed, long limit, long remaining, Duration retryAfter, Duration reset) {
    }

    /** Takes {@code tokens} from the bucket {@code key}, if it holds them. */
    public Mono<Decision> consume(String key, Limit limit, long tokens) {
        return Mono.defer(() -> consumeNow(key, limit, tokens));
    }

    private Mono<Decision> consumeNow(String key, Limit limit, long tokens) {
        AsyncProxyManager<String> shared = redis();
        if (shared == null) {
            return Mono.just(decision(limit, localBucket(key, limit).tryConsumeAndReturnRemaining(tokens)));
        }
        CompletableFuture<ConsumptionProbe> probe = sharedBucket(shared, key, limit).tryConsumeAndReturnRemaining(tokens);
        return Mono.fromFuture(probe)
                .timeout(properties.redisTimeout())
                .map(p -> decision(limit, p))
                .onErrorResume(e -> {
                    fellBack(e);
                    return Mono.just(decision(limit, localBucket(key, limit).tryConsumeAndReturnRemaining(tokens)));
                });
    }

    /** Gives tokens back, for a request that was refused after it took them. */
    public Mono<Void> refund(String key, Limit limit, long tokens) {
        return Mono.defer(() -> refundNow(key, limit, tokens));
    }

    private Mono<Void> refundNow(String key, Limit limit, long tokens) {
        AsyncProxyManager<String> shared = redis();
        if (shared == null) {
            localBucket(key, limit).addTokens(tokens);
            return Mono.empty();
        }
        return Mono.fromFuture(sharedBucket(shared, key, limit).addTokens(tokens))
                .timeout(properties.redisTimeout())
                .onErrorResume(e -> {
                    fellBack(e);
                    localBucket(key, limit).addTokens(tokens);
                    return Mono.empty();
                });
    }

    /**
     * The shared buckets, or null when no Redis is configured or while the shared connection is down; the latter
     * counts as a fallback. Never blocks the caller (a request on an event-loop thread).
     */
    private AsyncProxyManager<String> redis() {
        if (!sharedRedis.configured()) {
            return null;
        }
        StatefulRedisConnection<String, byte[]> connection = sharedRedis.connection();
        if (connection == null) {
            fellBack("no connection");
            return null;
        }
        if (connection != managedConnection) {
            synchronized (this) {
                if (connection != managedConnection) {
                    sharedBuckets.invalidateAll();
                    redis = Bucket4jLettuce.casBasedBuilder(connection)
                            .expirationAfterWrite(ExpirationAfterWriteStrategy
                                    .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                            .build()
                            .asAsync();
                    managedConnection = connection;
                }
            }
        }
        return redis;
    }

    private AsyncBucketProxy sharedBucket(AsyncProxyManager<String> manager, String key, Limit limit) {
        return sharedBuckets.get(key + "|" + limit, k -> manager.builder()
                .withOptimization(Optimizations.batching())
                .build(redisKey(key), () -> CompletableFuture.completedFuture(configuration(limit))));
    }

    private void fellBack(Object cause) {
        fallbacks.increment();
        Instant now = clock.instant();
        if (now.isAfter(lastWarning.plus(Duration.ofMinutes(1)))) {
            lastWarning = now;
            log.warn("Redis unavailable for rate limits, deciding with this instance's buckets: {}", cause);
        }
    }

    private String redisKey(String key) {
        return properties.keyPrefix() + key;
    }

    private Bucket localBucket(String key, Limit limit) {
        return local.get(key + "|" + limit, k -> Bucket.builder().addLimit(bandwidth(limit)).build());
    }

    private static BucketConfiguration configuration(Limit limit) {
        return BucketConfiguration.builder().addLimit(bandwidth(limit)).build();
    }

    private static Bandwidth bandwidth(Limit limit) {
        return Bandwidth.builder().capacity(limit.capacity()).refillGreedy(limit.capacity(), limit.period()).build();
    }

    private static Decision decision(Limit limit, ConsumptionProbe probe) {
        return new Decision(probe.isConsumed(), limit.capacity(), probe.getRemainingTokens(),
                Duration.ofNanos(probe.getNanosToWaitForRefill()), Duration.ofNanos(probe.getNanosToWaitForReset()));
    }
}
