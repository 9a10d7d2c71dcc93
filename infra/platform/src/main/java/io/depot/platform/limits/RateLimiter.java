package io.depot.platform.limits;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.ExpirationAfterWriteStrategy;
import io.github.bucket4j.distributed.proxy.AsyncProxyManager;
import io.github.bucket4j.redis.lettuce.Bucket4jLettuce;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
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
    private final Map<String, Bucket> local = Collections.synchronizedMap(new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Bucket> eldest) {
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
        this.redisClient = properties.redisUri() == null || properties.redisUri().isBlank() ? null
                : RedisClient.create(properties.redisUri());
    }

    /** What a bucket said to a request. */
    public record Decision(boolean allowed, long limit, long remaining, Duration retryAfter, Duration reset) {
    }

    /** Takes {@code tokens} from the bucket {@code key}, if it holds them. */
    public Mono<Decision> consume(String key, Limit limit, long tokens) {
        AsyncProxyManager<byte[]> shared = redis();
        if (shared == null) {
            return Mono.just(decision(limit, localBucket(key, limit).tryConsumeAndReturnRemaining(tokens)));
        }
        CompletableFuture<ConsumptionProbe> probe = shared.builder()
                .build(redisKey(key), () -> CompletableFuture.completedFuture(configuration(limit)))
                .tryConsumeAndReturnRemaining(tokens);
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
        AsyncProxyManager<byte[]> shared = redis();
        if (shared == null) {
            localBucket(key, limit).addTokens(tokens);
            return Mono.empty();
        }
        return Mono.fromFuture(shared.builder()
                        .build(redisKey(key), () -> CompletableFuture.completedFuture(configuration(limit)))
                        .addTokens(tokens))
                .timeout(properties.redisTimeout())
                .onErrorResume(e -> {
                    fellBack(e);
                    localBucket(key, limit).addTokens(tokens);
                    return Mono.empty();
                });
    }

    private AsyncProxyManager<byte[]> redis() {
        if (redisClient == null) {
            return null;
        }
        if (redis != null) {
            return redis;
        }
        synchronized (this) {
            Instant now = clock.instant();
            if (redis == null && now.isAfter(nextConnectAttempt)) {
                nextConnectAttempt = now.plus(RECONNECT_EVERY);
                try {
                    redisClient.setDefaultTimeout(properties.redisTimeout());
                    // While Redis is away, commands fail at once rather than queue up behind a reconnect.
                    redisClient.setOptions(ClientOptions.builder().autoReconnect(true)
                            .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS).build());
                    connection = redisClient.connect(ByteArrayCodec.INSTANCE);
                    redis = Bucket4jLettuce.casBasedBuilder(connection)
                            .expirationAfterWrite(ExpirationAfterWriteStrategy
                                    .basedOnTimeForRefillingBucketUpToMax(Duration.ofSeconds(10)))
                            .build()
                            .asAsync();
                } catch (RuntimeException e) {
                    fellBack(e);
                }
            }
            return redis;
        }
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
