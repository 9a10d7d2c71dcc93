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
 * <p>
 * A shared bucket large enough is drawn from in leases ({@code depot.limits.redis-lease}): one call to Redis takes
 * several tokens, and the requests that follow on this instance are granted them from memory, so that a busy user
 * costs Redis one call per lease instead of one per request. Tokens are taken from Redis before they are granted; a
 * lease not spent within {@code depot.limits.redis-lease-ttl} is dropped. When the bucket no longer holds a whole
 * lease, the request asks for its own tokens alone, as without leases.
 */
public class RateLimiter {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final int LOCAL_BUCKETS = 100_000;
    /** How many leases a request waits for before it asks Redis for its own tokens. */
    private static final int MAX_LEASE_ROUNDS = 8;

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
    /** Tokens leased from shared buckets and not granted yet, by bucket. */
    private final Cache<String, Lease> leases = Caffeine.newBuilder().maximumSize(LOCAL_BUCKETS).build();
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
        long lease = properties.leaseOf(limit);
        if (lease <= tokens) {
            return shared(shared, key, limit, tokens);
        }
        return leased(shared, key, limit, tokens, lease, leases.get(key + "|" + limit, k -> new Lease()), 0);
    }

    /**
     * From the lease this instance holds; when it is spent, one request takes a new lease from Redis while the others
     * wait for it (a few rounds at most, then each asks Redis alone), so that at most one lease per bucket is held.
     */
    private Mono<Decision> leased(AsyncProxyManager<String> shared, String key, Limit limit, long tokens, long lease,
                                  Lease held, int round) {
        return Mono.defer(() -> {
            CompletableFuture<Void> mine = new CompletableFuture<>();
            Object taken = held.takeOrWait(tokens, System.nanoTime(), mine);
            if (taken instanceof Decision granted) {
                return Mono.just(granted);
            }
            if (taken != mine) {
                CompletableFuture<?> pending = (CompletableFuture<?>) taken;
                return round < MAX_LEASE_ROUNDS
                        ? Mono.fromFuture(pending, true).then(leased(shared, key, limit, tokens, lease, held, round + 1))
                        : shared(shared, key, limit, tokens);
            }
            // A whole lease, of which this request keeps its own tokens; when the bucket holds less, its own only.
            return Mono.fromFuture(sharedBucket(shared, key, limit).tryConsumeAndReturnRemaining(lease))
                    .timeout(properties.redisTimeout())
                    .doOnNext(probe -> {
                        if (probe.isConsumed()) {
                            held.add(lease - tokens, System.nanoTime() + properties.redisLeaseTtl().toNanos(),
                                    decision(limit, probe));
                        }
                    })
                    .doFinally(signal -> held.settle(mine))
                    .flatMap(probe -> probe.isConsumed()
                            ? Mono.just(new Decision(true, limit.capacity(), probe.getRemainingTokens() + lease - tokens,
                            Duration.ZERO, Duration.ofNanos(probe.getNanosToWaitForReset())))
                            : shared(shared, key, limit, tokens))
                    .onErrorResume(e -> {
                        fellBack(e);
                        return Mono.just(decision(limit, localBucket(key, limit).tryConsumeAndReturnRemaining(tokens)));
                    });
        });
    }

    /** {@code tokens} from the shared bucket itself. */
    private Mono<Decision> shared(AsyncProxyManager<String> shared, String key, Limit limit, long tokens) {
        CompletableFuture<ConsumptionProbe> probe = sharedBucket(shared, key, limit).tryConsumeAndReturnRemaining(tokens);
        return Mono.fromFuture(probe)
                .timeout(properties.redisTimeout())
                .map(p -> decision(limit, p))
                .onErrorResume(e -> {
                    fellBack(e);
                    return Mono.just(decision(limit, localBucket(key, limit).tryConsumeAndReturnRemaining(tokens)));
                });
    }

    /** Tokens this instance took from a shared bucket and has not granted yet, until they expire. */
    static final class Lease {

        private long tokens;
        private long expiresAt = System.nanoTime();
        private CompletableFuture<Void> pending;
        /** What the shared bucket said when the lease was taken. */
        private Decision leasedFrom;

        /**
         * Takes {@code wanted} tokens if the lease holds them, answering the decision (what remains: the bucket's
         * tokens when the lease was taken and the lease's own); else answers the lease being taken from Redis to
         * wait for, or {@code mine} when none is and the caller is to take it.
         */
        synchronized Object takeOrWait(long wanted, long now, CompletableFuture<Void> mine) {
            if (tokens >= wanted && now - expiresAt < 0) {
                tokens -= wanted;
                return new Decision(true, leasedFrom.limit(), leasedFrom.remaining() + tokens, Duration.ZERO,
                        leasedFrom.reset());
            }
            if (pending == null) {
                pending = mine;
            }
            return pending;
        }

        /** Adds tokens just leased; what an expired lease still held is dropped. */
        synchronized void add(long leased, long expiresAt, Decision leasedFrom) {
            if (System.nanoTime() - this.expiresAt >= 0) {
                tokens = 0;
            }
            tokens += leased;
            this.expiresAt = expiresAt;
            this.leasedFrom = leasedFrom;
        }

        /** The lease {@code mine} was taking is settled, taken or not: its waiters try again. */
        void settle(CompletableFuture<Void> mine) {
            synchronized (this) {
                if (pending == mine) {
                    pending = null;
                }
            }
            mine.complete(null);
        }
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
