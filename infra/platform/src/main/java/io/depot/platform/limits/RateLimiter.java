package io.depot.platform.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.AsyncBucketProxy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.distributed.proxy.optimization.Optimizations;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Token buckets (Bucket4j), in Redis when one is configured so that every instance draws from the same bucket,
 * else in this process. When Redis fails, the decision falls back to a bucket in this process: limits then hold
 * per instance, never not at all, and the service stays up. The fallback is counted
 * ({@code depot.limits.redis.fallbacks}) and logged at most once a minute.
 */
public class RateLimiter implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(RateLimiter.class);
    private static final int LOCAL_BUCKETS = 100_000;
    private static final Duration RECONNECT_EVERY = Duration.ofSeconds(10);

    private final LimitsProperties properties;
    private final Clock clock;
    private final Counter fallbacks;
    private final RedisClient redisClient;
    private final RedisURI redisUri;
    private final AtomicBoolean connecting = new AtomicBoolean();
    private final Map<String, Bucket> local = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
            return size() > LOCAL_BUCKETS;
        }
    });
    /**
     * One proxy per shared bucket, reused by every request for it: Bucket4j's batching then folds concurrent
     * requests for a hot bucket into one compare-and-swap instead of letting each retry against the others.
     */
    private final Map<String, AsyncBucketProxy> sharedBuckets = Collections.synchronizedMap(
            new LinkedHashMap<>(1024, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, AsyncBucketProxy> eldest) {
                    return size() > LOCAL_BUCKETS;
                }
            });
    private volatile AsyncProxyManager<byte[]> redis;
    private volatile StatefulRedisConnection<byte[], byte[]> connection;
    private volatile Instant nextConnectAttempt = Instant.MIN;
    private volatile Instant lastWarning = Instant.MIN;

    public RateLimiter(LimitsProperties properties, Clock clock, MeterRegistry meters) {
        this.properties = properties;
        this.clock = clock;
        this.fallbacks = Counter.builder("depot.limits.redis.fallbacks")
                .description("Rate-limit decisions made by a local bucket because Redis failed")
                .register(meters);
        if (properties.redisUri() == null || properties.redisUri().isBlank()) {
            this.redisClient = null;
            this.redisUri = null;
            return;
        }
        this.redisUri = RedisURI.create(properties.redisUri());
        this.redisUri.setTimeout(properties.redisTimeout());
        this.redisClient = RedisClient.create();
        // While Redis is away, commands fail at once rather than queue up behind a reconnect.
        redisClient.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(properties.redisTimeout()).build())
                .build());
        redis(); // connect now, so the first requests already share buckets
    }

    /** What a bucket said to a request. */
    public record Decision(boolean allowed, long limit, long remaining, Duration retryAfter, Duration reset) {
    }

    /** Takes {@code tokens} from the bucket {@code key}, if it holds them. */
    public Mono<Decision> consume(String key, Limit limit, long tokens) {
        return Mono.defer(() -> consumeNow(key, limit, tokens));
    }

    private Mono<Decision> consumeNow(String key, Limit limit, long tokens) {
        AsyncProxyManager<byte[]> shared = redis();
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
        AsyncProxyManager<byte[]> shared = redis();
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
     * The shared buckets, or null while there is no connection to Redis. Connecting never blocks the caller (a
     * request on an event-loop thread): it runs in the background, at most every {@link #RECONNECT_EVERY}, and
     * until it succeeds decisions fall back to this instance's buckets.
     */
    private AsyncProxyManager<byte[]> redis() {
        if (redisClient == null || redis != null) {
            return redis;
        }
        Instant now = clock.instant();
        if (now.isAfter(nextConnectAttempt) && connecting.compareAndSet(false, true)) {
            nextConnectAttempt = now.plus(RECONNECT_EVERY);
            redisClient.connectAsync(ByteArrayCodec.INSTANCE, redisUri).whenComplete((opened, failure) -> {
                if (failure != null) {
                    fellBack(failure);
                } else {
                    connection = opened;
                    redis = Bucket4jLettuce.casBasedBuilder(opened)
                            .expirationAfterWrite(ExpirationAfterWriteStrategy
                                    .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                            .build()
                            .asAsync();
                }
                connecting.set(false);
            });
        }
        return redis;
    }

    private AsyncBucketProxy sharedBucket(AsyncProxyManager<byte[]> manager, String key, Limit limit) {
        return sharedBuckets.computeIfAbsent(key + "|" + limit, k -> manager.builder()
                .withOptimization(Optimizations.batching())
                .build(redisKey(key), () -> CompletableFuture.completedFuture(configuration(limit))));
    }

    private void fellBack(Throwable e) {
        fallbacks.increment();
        Instant now = clock.instant();
        if (now.isAfter(lastWarning.plus(Duration.ofMinutes(1)))) {
            lastWarning = now;
            log.warn("Redis unavailable for rate limits, deciding with this instance's buckets: {}", e.toString());
        }
    }

    private byte[] redisKey(String key) {
        return (properties.keyPrefix() + key).getBytes(StandardCharsets.UTF_8);
    }

    private Bucket localBucket(String key, Limit limit) {
        return local.computeIfAbsent(key + "|" + limit, k -> Bucket.builder().addLimit(bandwidth(limit)).build());
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

    @Override
    public void close() {
        if (connection != null) {
            connection.close();
        }
        if (redisClient != null) {
            redisClient.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
