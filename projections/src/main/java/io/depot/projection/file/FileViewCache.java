package io.depot.projection.file;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.depot.file.FileView;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.platform.redis.SharedRedis;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Hot file metadata, so that reading a file or handing out its download URL does not query the read model each
 * time. In the shared Redis when one is configured ({@link SharedRedis}), shared by every query instance; else in
 * this process, which is right only where the {@code files} projection runs in the same process (the all-in-one
 * launcher), in a cache of at most {@code depot.cache.local-entries} entries. With Redis, each process also keeps
 * up to {@code depot.cache.near-entries} decoded views in a {@link NearCache} that Redis keeps current, so a hot file's
 * reads neither cross the network nor decode JSON.
 *
 * <p>The projection writes each file's new view (or a tombstone for a deleted file) after every change; readers
 * fill a missing entry only if it is still missing, so a reader holding an older view never overwrites the
 * projection's newer one. Entries expire after {@code depot.cache.ttl}, which also bounds how stale an entry can be
 * when a write to Redis failed. A Redis that fails or is away is a cache miss, counted in {@code depot.cache.errors};
 * the cache is used again as soon as the shared connection is back.
 *
 * <p>Keys name the generation of the {@code files} read model they were read from: a rebuild's processor fills the new
 * generation's entries while readers still use the old ones, so when reads switch to the new copy they find entries as
 * current as it is, never a stale entry from the old copy followed by a fresher one.
 */
@Component
@EnableConfigurationProperties(FileViewCacheProperties.class)
public class FileViewCache {

    private static final String TOMBSTONE = "-";

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Duration ttl;
    private final String prefix;
    private final Counter errors;
    private final SharedRedis redis;
    private final Cache<String, Optional<FileView>> local;
    private final NearCache near;
    private final ReadModelCollections generations;

    public FileViewCache(FileViewCacheProperties properties, SharedRedis redis, Clock clock, MeterRegistry meters,
                         ReadModelCollections generations) {
        this.generations = generations;
        this.ttl = properties.ttl();
        this.prefix = properties.keyPrefix();
        this.redis = redis;
        this.errors = Counter.builder("depot.cache.errors")
                .description("File metadata cache operations that failed and fell through to the read model")
                .register(meters);
        this.local = redis.configured() ? null : Caffeine.newBuilder()
                .maximumSize(properties.localEntries())
                // Upkeep on the caller's thread: handed to the common pool, reads of a file read all the time
                // were lost often enough that it lost its place to files read once.
                .executor(Runnable::run)
                .expireAfterWrite(ttl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
        this.near = redis.configured() && properties.nearEntries() > 0
                ? new NearCache(redis, prefix, properties.nearEntries(), ttl, clock,
                        Counter.builder("depot.cache.near.invalidations")
                                .description("File metadata entries dropped from this process because Redis said they changed")
                                .register(meters))
                : null;
    }

    /**
     * The cached view: a present Optional for a file, an empty one for a deleted file, and no value at all when
     * the cache does not know the file.
     */
    public Mono<Optional<FileView>> get(String fileId) {
        String key = key(fileId);
        if (local != null) {
            Optional<FileView> held = local.getIfPresent(key);
            return held == null ? Mono.empty() : Mono.just(held);
        }
        StatefulRedisConnection<String, byte[]> connection = connection();
        if (connection == null) {
            return Mono.empty();
        }
        Optional<FileView> held = near == null ? null : near.get(key);
        if (held != null) {
            return Mono.just(held);
        }
        long stamp = near == null ? -1 : near.stamp();
        return Mono.fromCompletionStage(connection.async().get(key))
                .map(value -> {
                    Optional<FileView> view = read(new String(value, StandardCharsets.UTF_8));
                    if (near != null) {
                        near.fill(key, view, stamp);
                    }
                    return view;
                })
                .onErrorResume(e -> {
                    errors.increment();
                    return Mono.empty();
                });
    }

    /** Whether this process keeps decoded views in front of Redis right now (tracking is on). */
    boolean nearTracking() {
        return near != null && near.stamp() >= 0;
    }

    /** A reader's fill: stored only if the projection has not written the file meanwhile. */
    public void offer(FileView view) {
        if (local != null) {
            local.asMap().putIfAbsent(key(view.fileId()), Optional.of(view));
            return;
        }
        String value = write(view);
        StatefulRedisConnection<String, byte[]> connection = connection();
        if (connection != null) {
            connection.async().set(key(view.fileId()), bytes(value), SetArgs.Builder.nx().px(ttl.toMillis()))
                    .exceptionally(e -> {
                        errors.increment();
                        return null;
                    });
        }
    }

    /** The projection's write: the file's current view, or null once it is deleted. */
    void put(String fileId, FileView view) {
        String key = key(fileId);
        if (local != null) {
            local.put(key, Optional.ofNullable(view));
            return;
        }
        String value = view == null ? TOMBSTONE : write(view);
        StatefulRedisConnection<String, byte[]> connection = connection();
        if (connection == null) {
            return;
        }
        try {
            connection.sync().set(key, bytes(value), SetArgs.Builder.px(ttl.toMillis()));
        } catch (RuntimeException e) {
            // The entry expires within the TTL; the projection does not stop for its cache.
            errors.increment();
        } finally {
            if (near != null) {
                near.drop(key);
            }
        }
    }

    /** The generation the caller reads, or the projection's processor writes; generation 1 keeps the plain keys. */
    private String key(String fileId) {
        int generation = generations.generation(FileProjection.GROUP);
        return generation == 1 ? prefix + fileId : prefix + "g" + generation + ":" + fileId;
    }

    /** The shared connection, or null while Redis is away: a miss, counted. */
    private StatefulRedisConnection<String, byte[]> connection() {
        StatefulRedisConnection<String, byte[]> connection = redis.connection();
        if (connection == null) {
            errors.increment();
        }
        return connection;
    }

    private static byte[] bytes(String value) {
        return value.getBytes(StandardCharsets.UTF_8);
    }

    private Optional<FileView> read(String value) {
        if (TOMBSTONE.equals(value)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(value, FileView.class));
        } catch (IOException e) {
            throw new UncheckedIOException("unreadable cache entry", e);
        }
    }

    private String write(FileView view) {
        try {
            return json.writeValueAsString(view);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot cache " + view.fileId(), e);
        }
    }
}
