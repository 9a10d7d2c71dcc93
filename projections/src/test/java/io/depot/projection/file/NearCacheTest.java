package io.depot.projection.file;

import io.depot.file.FileView;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.platform.redis.RedisConnectionProperties;
import io.depot.platform.redis.SharedRedis;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

import static io.depot.projection.file.FileViewCacheTest.settings;
import static io.depot.projection.file.FileViewCacheTest.view;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two query instances on one real Redis, each with its decoded views in process: a hot file is read from Redis once,
 * a change any instance makes reaches the other within moments (not after the hour-long TTL these caches get), and
 * nothing held before Redis went away is served after it is back.
 */
class NearCacheTest {

    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void aHotFileIsReadFromRedisOnceAndAChangeByAnotherInstanceReachesThisOne() {
        try (RedisProcess server = RedisProcess.launch();
             SharedRedis redisA = sharedRedis(server); SharedRedis redisB = sharedRedis(server)) {
            SimpleMeterRegistry metersA = new SimpleMeterRegistry();
            FileViewCache a = cache(redisA, metersA);
            FileViewCache b = cache(redisB, new SimpleMeterRegistry());
            awaitTracking(a, b);

            b.put("f1", view("f1", 1));
            // Redis announces changes to broadcast subscribers once per turn of its event loop, so the announcement
            // of this write may arrive after a read that already saw it, and drop what that read kept.
            await().atMost(Duration.ofSeconds(2)).until(() ->
                    metersA.get("depot.cache.near.invalidations").counter().count() >= 1);
            assertThat(a.get("f1").block()).hasValue(view("f1", 1));
            long gets = getsServed(server);
            for (int i = 0; i < 100; i++) {
                assertThat(a.get("f1").block()).hasValue(view("f1", 1));
            }
            assertThat(getsServed(server) - gets).as("100 reads of a held file, from this process").isZero();

            b.put("f1", view("f1", 2));
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(a.get("f1").block()).hasValue(view("f1", 2)));
            b.put("f1", null);
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(a.get("f1").block()).as("deleted on the other instance").isEqualTo(Optional.empty()));
            assertThat(a.get("f1").block()).isEqualTo(Optional.empty());
        }
    }

    @Test
    void whatWasHeldBeforeRedisWentAwayIsNotServedAfterItIsBack() {
        try (RedisProcess server = RedisProcess.launch();
             SharedRedis redisA = sharedRedis(server); SharedRedis redisB = sharedRedis(server)) {
            FileViewCache a = cache(redisA, new SimpleMeterRegistry());
            FileViewCache b = cache(redisB, new SimpleMeterRegistry());
            awaitTracking(a, b);
            b.put("f1", view("f1", 1));
            assertThat(a.get("f1").block()).hasValue(view("f1", 1));

            server.stop();
            await().atMost(Duration.ofSeconds(5)).until(() -> redisA.connection() == null && redisB.connection() == null);
            server.start(); // empty: it kept nothing, and no instance heard of changes meanwhile
            await().atMost(Duration.ofSeconds(10)).until(() -> redisA.connection() != null && redisB.connection() != null);
            assertThat(a.get("f1").block()).as("Redis lost the entry: a miss, not the view held before").isNull();

            awaitTracking(a, b);
            b.put("f1", view("f1", 3));
            assertThat(a.get("f1").block()).hasValue(view("f1", 3));
            b.put("f1", view("f1", 4));
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(a.get("f1").block()).as("tracking is on again on the reopened connection")
                            .hasValue(view("f1", 4)));
        }
    }

    @Test
    void anOpeningAnnouncedTwiceLeavesTrackingOn() throws Exception {
        try (RedisProcess server = RedisProcess.launch(); SharedRedis redis = sharedRedis(server)) {
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            NearCache near = new NearCache(redis, "file:", 100, HOUR, Clock.systemUTC(),
                    meters.counter("depot.cache.near.invalidations"));
            await().atMost(Duration.ofSeconds(5)).until(() -> near.stamp() >= 0);

            // The shared connection may announce one opening twice, here from two threads at once; Redis refuses
            // to turn tracking on twice with one prefix.
            StatefulRedisConnection<String, byte[]> connection = redis.connection();
            Thread other = new Thread(() -> near.opened(connection));
            other.start();
            near.opened(connection);
            other.join();
            await().atMost(Duration.ofSeconds(5)).until(() -> near.stamp() >= 0);

            near.fill("file:f9", Optional.of(view("f9", 1)), near.stamp());
            assertThat(near.get("file:f9")).hasValue(view("f9", 1));
            RedisClient client = RedisClient.create(server.uri());
            try (StatefulRedisConnection<String, String> writer = client.connect()) {
                writer.sync().set("file:f9", "changed elsewhere");
            } finally {
                client.shutdown();
            }
            await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                    assertThat(near.get("file:f9")).as("Redis still announces changes").isNull());
            assertThat(meters.counter("depot.cache.near.invalidations").count())
                    .as("the probes of the two openings are not counted as changes").isEqualTo(1);
        }
    }

    /** Both caches take entries: a fill made now stays. */
    private static void awaitTracking(FileViewCache... caches) {
        for (FileViewCache cache : caches) {
            await().atMost(Duration.ofSeconds(5)).until(() -> cache.nearTracking());
        }
    }

    private static SharedRedis sharedRedis(RedisProcess server) {
        return new SharedRedis(settings("depot.redis", RedisConnectionProperties.class,
                Map.of("depot.redis.uri", server.uri(), "depot.redis.max-reconnect-delay", "500ms")));
    }

    private static FileViewCache cache(SharedRedis redis, SimpleMeterRegistry meters) {
        return new FileViewCache(settings("depot.cache", FileViewCacheProperties.class,
                Map.of("depot.cache.key-prefix", "file:", "depot.cache.ttl", HOUR.toSeconds() + "s")), redis,
                Clock.systemUTC(), meters, ReadModelCollections.of(null));
    }

    /** GET commands the server has answered, from its own statistics. */
    private static long getsServed(RedisProcess server) {
        RedisClient client = RedisClient.create(server.uri());
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            String stats = connection.sync().info("commandstats");
            return stats.lines().filter(l -> l.startsWith("cmdstat_get:")).findFirst()
                    .map(l -> Long.parseLong(l.substring(l.indexOf("calls=") + 6, l.indexOf(','))))
                    .orElse(0L);
        } finally {
            client.shutdown();
        }
    }

}
