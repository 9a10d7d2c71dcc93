package io.depot.projection.file;

import io.depot.file.FileStatus;
import io.depot.file.FileView;
import io.depot.file.ScanStatus;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.platform.testing.TestRedis;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The metadata cache in Redis and in process: the projection's writes win over readers' fills, deletions stick. */
class FileViewCacheTest {

    private FileViewCache cache;

    @AfterEach
    void close() {
        cache.close();
    }

    private FileViewCache cache(String store, Duration ttl) {
        String uri = "";
        if (store.equals("redis")) {
            uri = TestRedis.url();
        }
        cache = new FileViewCache(uri, ttl, "depot-test:" + UUID.randomUUID() + ":", Clock.systemUTC(),
                new SimpleMeterRegistry());
        if (store.equals("redis")) {
            FileView probe = view("probe", 1);
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                cache.put("probe", probe);
                return cache.get("probe").block() != null;
            });
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

    private static FileView view(String fileId, long version) {
        Instant at = Instant.parse("2026-11-28T10:00:00Z").truncatedTo(ChronoUnit.MILLIS);
        return new FileView(fileId, "alice", "a.txt", "text/plain", 3, "ab", StorageClass.STANDARD, version,
                FileStatus.AVAILABLE, null, Visibility.PRIVATE, at, at.plusSeconds(version), List.of("t"),
                new FileView.Downloadable(version, "objects/" + fileId + "/" + version, 3, "a.txt", "text/plain"),
                ScanStatus.CLEAN, null);
    }
}
