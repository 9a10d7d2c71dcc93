package io.depot.projection.file;

import io.depot.file.FileStatus;
import io.depot.file.FileView;
import io.depot.file.ScanStatus;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.platform.redis.RedisConnectionProperties;
import io.depot.platform.redis.SharedRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The metadata cache in Redis and in process: the projection's writes win over readers' fills, deletions stick. */
class FileViewCacheTest {

    private static RedisProcess server;
    private SharedRedis redis;

    @BeforeAll
    static void startRedis() {
        server = RedisProcess.launch();
    }

    @AfterAll
    static void stopRedis() {
        server.close();
    }

    @AfterEach
    void close() {
        redis.close();
    }

    /** Settings as Spring binds them, defaults included. */
    static <T> T settings(String prefix, Class<T> type, Map<String, String> values) {
        return new Binder(new MapConfigurationPropertySource(values)).bindOrCreate(prefix, type);
    }

    private FileViewCache cache(String store, Duration ttl) {
        String uri = store.equals("redis") ? server.uri() : "";
        redis = new SharedRedis(settings("depot.redis", RedisConnectionProperties.class, Map.of("depot.redis.uri", uri)));
        FileViewCache cache = new FileViewCache(settings("depot.cache", FileViewCacheProperties.class, Map.of(
                "depot.cache.ttl", ttl.toMillis() + "ms",
                "depot.cache.key-prefix", "depot-test:" + UUID.randomUUID() + ":")),
                redis, Clock.systemUTC(), new SimpleMeterRegistry(), ReadModelCollections.of(null));
        if (store.equals("redis")) {
            await().atMost(Duration.ofSeconds(5)).until(() -> redis.connection() != null);
        }
        return cache;
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "local"})
    void theProjectionsWriteWinsOverAnOlderFillAndADeletionSticks(String store) {
        FileViewCache cache = cache(store, Duration.ofMinutes(1));
        assertThat(cache.get("f1").block()).as("unknown file: a miss").isNull();

        cache.put("f1", view("f1", 2));
        cache.offer(view("f1", 1)); // a reader that read the read model before the projection's change
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(cache.get("f1").block()).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(2)));
        assertThat(cache.get("f1").block().orElseThrow()).isEqualTo(view("f1", 2));

        cache.put("f1", null);
        assertThat(cache.get("f1").block()).as("a deleted file is cached as gone").isEqualTo(Optional.empty());
        cache.offer(view("f1", 2));
        assertThat(cache.get("f1").block()).as("a late fill does not bring it back").isEqualTo(Optional.empty());

        cache.offer(view("f2", 1));
        await().atMost(Duration.ofSeconds(2)).untilAsserted(() ->
                assertThat(cache.get("f2").block()).hasValueSatisfying(v -> assertThat(v.version()).isEqualTo(1)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"redis", "local"})
    void entriesExpire(String store) {
        FileViewCache cache = cache(store, Duration.ofMillis(300));
        cache.put("f3", view("f3", 1));
        assertThat(cache.get("f3").block()).isPresent();
        await().atMost(Duration.ofSeconds(3)).until(() -> cache.get("f3").block() == null);
    }

    @Test
    void theLocalCacheStaysWithinItsBoundAndKeepsWhatIsReadOften() {
        redis = new SharedRedis(settings("depot.redis", RedisConnectionProperties.class, Map.of()));
        FileViewCache cache = new FileViewCache(settings("depot.cache", FileViewCacheProperties.class,
                Map.of("depot.cache.local-entries", "50")), redis, Clock.systemUTC(), new SimpleMeterRegistry(),
                ReadModelCollections.of(null));
        cache.put("hot", view("hot", 1));
        for (int i = 0; i < 500; i++) {
            cache.put("f" + i, view("f" + i, 1));
            assertThat(cache.get("hot").block()).as("a file read all the time stays cached").isPresent();
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(cached(cache, 500)).isBetween(1L, 49L));
    }

    private static long cached(FileViewCache cache, int files) {
        return IntStream.range(0, files).filter(i -> cache.get("f" + i).block() != null).count();
    }

    static FileView view(String fileId, long version) {
        Instant at = Instant.parse("2026-11-28T10:00:00Z").truncatedTo(ChronoUnit.MILLIS);
        return new FileView(fileId, "alice", "a.txt", "text/plain", 3, "ab", StorageClass.STANDARD, version,
                FileStatus.AVAILABLE, null, Visibility.PRIVATE, at, at.plusSeconds(version), List.of("t"),
                new FileView.Downloadable(version, "objects/" + fileId + "/" + version, 3, "a.txt", "text/plain",
                        StorageClass.STANDARD, null),
                ScanStatus.CLEAN, null, null);
    }
}
