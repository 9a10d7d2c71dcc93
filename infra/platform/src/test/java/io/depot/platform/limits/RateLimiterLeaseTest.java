package io.depot.platform.limits;

import io.depot.platform.redis.RedisConnectionProperties;
import io.depot.platform.redis.SharedRedis;
import io.depot.platform.testing.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import reactor.core.publisher.Flux;

import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Leases of shared buckets, on the tests' Redis: one call takes several tokens, yet no instance grants more than the
 * bucket held, alone, with two instances, or under concurrent requests; a small bucket is asked token by token.
 */
class RateLimiterLeaseTest {

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final String prefix = "lease-test:" + System.nanoTime() + ":";
    private SharedRedis redis;

    @BeforeEach
    void connect() {
        redis = new SharedRedis(bind("depot.redis", RedisConnectionProperties.class,
                Map.of("depot.redis.uri", TestRedis.url())));
        await().atMost(Duration.ofSeconds(10)).until(() -> redis.connection() != null);
    }

    @AfterEach
    void close() {
        redis.close();
    }

    private static <T> T bind(String name, Class<T> type, Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings)).bindOrCreate(name, type);
    }

    private RateLimiter limiter(int lease) {
        Map<String, String> settings = new HashMap<>();
        settings.put("depot.limits.key-prefix", prefix);
        settings.put("depot.limits.redis-lease", Integer.toString(lease));
        settings.put("depot.limits.redis-lease-ttl", "1m");
        return new RateLimiter(bind("depot.limits", LimitsProperties.class, settings), redis, Clock.systemUTC(), meters);
    }

    @Test
    void oneCallLeasesSeveralTokensThatTheNextRequestsAreGranted() {
        Limit limit = Limit.parse("1000/1h");
        RateLimiter leasing = limiter(20);
        RateLimiter tokenByToken = limiter(1);

        RateLimiter.Decision first = leasing.consume("alice", limit, 1).block();
        assertThat(first.allowed()).isTrue();
        assertThat(first.remaining()).as("the bucket's 980 and the lease's 19").isEqualTo(999);
        assertThat(tokenByToken.consume("alice", limit, 1).block().remaining())
                .as("another instance sees the whole lease gone from the shared bucket").isEqualTo(979);
        for (int i = 0; i < 19; i++) {
            assertThat(leasing.consume("alice", limit, 1).block().allowed()).isTrue();
        }
        assertThat(tokenByToken.consume("alice", limit, 1).block().remaining())
                .as("the lease's 19 were granted from memory").isEqualTo(978);
        assertThat(leasing.consume("alice", limit, 1).block().remaining()).as("a new lease").isEqualTo(958 + 19);
        assertThat(meters.get("depot.limits.redis.fallbacks").counter().count()).isZero();
    }

    @Test
    void twoInstancesTogetherNeverGrantMoreThanTheBucketHolds() {
        Limit limit = Limit.parse("500/1h");
        RateLimiter one = limiter(10);
        RateLimiter two = limiter(10);
        int granted = 0;
        for (int i = 0; i < 600; i++) {
            if (one.consume("bob", limit, 1).block().allowed()) {
                granted++;
            }
            if (two.consume("bob", limit, 1).block().allowed()) {
                granted++;
            }
        }
        assertThat(granted).isEqualTo(500);
        assertThat(one.consume("bob", limit, 1).block().allowed()).isFalse();
        assertThat(two.consume("bob", limit, 1).block().retryAfter()).isPositive();
    }

    @Test
    void concurrentRequestsAreGrantedExactlyTheBucket() {
        Limit limit = Limit.parse("1000/1h");
        RateLimiter leasing = limiter(20);
        List<RateLimiter.Decision> decisions = Flux.range(0, 1500)
                .flatMap(i -> leasing.consume("carol", limit, 1), 64)
                .collectList().block(Duration.ofSeconds(60));
        assertThat(decisions.stream().filter(RateLimiter.Decision::allowed).count()).isEqualTo(1000);
    }

    @Test
    void aSmallBucketIsAskedTokenByToken() {
        Limit limit = Limit.parse("60/1m");
        RateLimiter leasing = limiter(20);
        RateLimiter other = limiter(1);
        assertThat(leasing.consume("dave", limit, 1).block().remaining()).isEqualTo(59);
        assertThat(other.consume("dave", limit, 1).block().remaining())
                .as("a bucket of 60 leases a fiftieth of it at most: 1, no lease").isEqualTo(58);
    }
}
