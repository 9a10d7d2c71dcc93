package io.depot.projection.file;

import io.depot.platform.limits.Limit;
import io.depot.platform.limits.LimitsProperties;
import io.depot.platform.limits.RateLimiter;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.platform.redis.RedisConnectionProperties;
import io.depot.platform.redis.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.depot.projection.file.FileViewCacheTest.settings;
import static io.depot.projection.file.FileViewCacheTest.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The metadata cache and the rate limiter share one Redis connection: while Redis is down the cache is bypassed and
 * the limiter decides with local buckets, and once Redis is back on the same address both use it again, with no
 * restart of anything but Redis; the same when Redis was not up yet as the service started.
 */
class SharedRedisReconnectTest {

    private static final Limit FIVE_A_MINUTE = Limit.parse("5/1m");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

    @Test
    void theCacheAndTheRateLimiterUseRedisAgainOnceItIsBack() {
        try (RedisProcess server = RedisProcess.launch(); SharedRedis redis = sharedRedis(server)) {
            FileViewCache cache = cache(redis);
            RateLimiter limiter = limiter(redis);
            await().atMost(Duration.ofSeconds(5)).until(() -> redis.connection() != null);
            assertBothUseRedis(server, cache, limiter, "f1", "alice");
            assertThat(fallbacks()).isZero();

            server.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> redis.connection() == null);
            double cacheErrors = cacheErrors();
            assertThat(cache.get("f1").block()).as("Redis down: a miss, so readers go to the read model").isNull();
            assertThat(cacheErrors()).isGreaterThan(cacheErrors);
            RateLimiter.Decision local = limiter.consume("alice", FIVE_A_MINUTE, 1).block();
            assertThat(local.allowed()).isTrue();
            assertThat(local.remaining()).as("a bucket of this instance's own").isEqualTo(4);
            assertThat(fallbacks()).isPositive();

            server.start(); // same port, empty: it kept nothing
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.connection() != null);
            double fallbacksWhileDown = fallbacks();
            assertBothUseRedis(server, cache, limiter, "f2", "bob");
            assertThat(fallbacks()).isEqualTo(fallbacksWhileDown);
        }
    }

    @Test
    void aRedisThatWasDownAtStartIsUsedOnceItIsUp() {
        try (RedisProcess server = RedisProcess.onFreePort(); SharedRedis redis = sharedRedis(server)) {
            FileViewCache cache = cache(redis);
            RateLimiter limiter = limiter(redis);
            cache.put("f1", view("f1", 1));
            assertThat(cache.get("f1").block()).as("no Redis: a miss").isNull();
            assertThat(limiter.consume("alice", FIVE_A_MINUTE, 1).block().remaining()).isEqualTo(4);
            assertThat(fallbacks()).isPositive();

            server.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> redis.connection() != null);
            // The shared bucket starts full again: the one used while Redis was down would have 3 tokens left.
            assertBothUseRedis(server, cache, limiter, "f1", "alice");
        }
    }

    /** The cache reads back what it wrote, a fresh bucket gives a token, and both are kept in the server. */
    private static void assertBothUseRedis(RedisProcess server, FileViewCache cache, RateLimiter limiter,
                                           String fileId, String user) {
        cache.put(fileId, view(fileId, 1));
        assertThat(cache.get(fileId).block()).hasValue(view(fileId, 1));
        assertThat(limiter.consume(user, FIVE_A_MINUTE, 1).block().remaining()).isEqualTo(4);
        assertThat(keysIn(server)).containsExactlyInAnyOrder("file:" + fileId, "limit:" + user);
    }

    private static SharedRedis sharedRedis(RedisProcess server) {
        return new SharedRedis(settings("depot.redis", RedisConnectionProperties.class,
                Map.of("depot.redis.uri", server.uri(), "depot.redis.max-reconnect-delay", "500ms")));
    }

    private FileViewCache cache(SharedRedis redis) {
        return new FileViewCache(settings("depot.cache", FileViewCacheProperties.class,
                Map.of("depot.cache.key-prefix", "file:")), redis, Clock.systemUTC(), meters,
                ReadModelCollections.of(null));
    }

    private RateLimiter limiter(SharedRedis redis) {
        return new RateLimiter(settings("depot.limits", LimitsProperties.class,
                Map.of("depot.limits.key-prefix", "limit:")), redis, Clock.systemUTC(), meters);
    }

    /** What the server holds, read by a client of the test's own; the near cache's short-lived probe aside. */
    private static List<String> keysIn(RedisProcess server) {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            return connection.sync().keys("*").stream().filter(key -> !key.contains("near-probe:")).toList();
        } finally {
            client.shutdown();
        }
    }

    private double fallbacks() {
        return meters.get("depot.limits.redis.fallbacks").counter().count();
    }

    private double cacheErrors() {
        return meters.get("depot.cache.errors").counter().count();
    }
}
