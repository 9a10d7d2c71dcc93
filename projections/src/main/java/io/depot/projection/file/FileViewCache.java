package io.depot.projection.file;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.depot.file.FileView;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Hot file metadata, so that reading a file or handing out its download URL does not query the read model each
 * time. In Redis when {@code depot.cache.redis-uri} is set, shared by every query instance; else in this process,
 * which is right only where the {@code files} projection runs in the same process (the all-in-one launcher).
 *
 * <p>The projection writes each file's new view (or a tombstone for a deleted file) after every change; readers
 * fill a missing entry only if it is still missing, so a reader holding an older view never overwrites the
 * projection's newer one. Entries expire after {@code depot.cache.ttl}, which also bounds how stale an entry can be
 * when a write to Redis failed. A Redis that fails is a cache miss, counted in {@code depot.cache.errors}.
 */
@Component
public class FileViewCache implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(FileViewCache.class);
    private static final String TOMBSTONE = "-";
    private static final int LOCAL_ENTRIES = 100_000;

    private final ObjectMapper json = new ObjectMapper().registerModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    private final Duration ttl;
    private final String prefix;
    private final Clock clock;
    private final Counter errors;
    private final RedisClient client;
    private final ConcurrentHashMap<String, Local> local = new ConcurrentHashMap<>();
    private volatile StatefulRedisConnection<String, String> redis;

    private record Local(String value, Instant expires) {
    }

    public FileViewCache(@Value("${depot.cache.redis-uri:}") String redisUri,
                         @Value("${depot.cache.ttl:60s}") Duration ttl,
                         @Value("${depot.cache.key-prefix:depot:file:}") String prefix,
                         Clock clock, MeterRegistry meters) {
        this.ttl = ttl;
        this.prefix = prefix;
        this.clock = clock;
        this.errors = Counter.builder("depot.cache.errors")
                .description("File metadata cache operations that failed and fell through to the read model")
                .register(meters);
        if (redisUri == null || redisUri.isBlank()) {
            this.client = null;
            return;
        }
        RedisURI uri = RedisURI.create(redisUri);
        uri.setTimeout(Duration.ofSeconds(1));
        this.client = RedisClient.create();
        client.connectAsync(io.lettuce.core.codec.StringCodec.UTF8, uri).whenComplete((connection, failure) -> {
            if (failure != null) {
                log.warn("File metadata cache unavailable, reading the read model instead: {}", failure.toString());
            } else {
                redis = connection;
            }
        });
    }

    /**
     * The cached view: a present Optional for a file, an empty one for a deleted file, and no value at all when
     * the cache does not know the file.
     */
    public Mono<Optional<FileView>> get(String fileId) {
        StatefulRedisConnection<String, String> connection = redis;
        if (client == null) {
            Local entry = local.get(fileId);
            return entry == null || entry.expires().isBefore(clock.instant()) ? Mono.empty() : Mono.just(read(entry.value()));
        }
        if (connection == null) {
            return Mono.empty();
        }
        return Mono.fromCompletionStage(connection.async().get(prefix + fileId))
                .map(this::read)
                .onErrorResume(e -> {
                    errors.increment();
                    return Mono.empty();
                });
    }

    /** A reader's fill: stored only if the projection has not written the file meanwhile. */
    public void offer(FileView view) {
        String value = write(view);
        if (client == null) {
            local.putIfAbsent(view.fileId(), new Local(value, clock.instant().plus(ttl)));
            trim();
            return;
        }
        StatefulRedisConnection<String, String> connection = redis;
        if (connection != null) {
            connection.async().set(prefix + view.fileId(), value, SetArgs.Builder.nx().px(ttl.toMillis()))
                    .exceptionally(e -> {
                        errors.increment();
                        return null;
                    });
        }
    }

    /** The projection's write: the file's current view, or null once it is deleted. */
    void put(String fileId, FileView view) {
        String value = view == null ? TOMBSTONE : write(view);
        if (client == null) {
            local.put(fileId, new Local(value, clock.instant().plus(ttl)));
            trim();
            return;
        }
        StatefulRedisConnection<String, String> connection = redis;
        if (connection == null) {
            errors.increment();
            return;
        }
        try {
            connection.sync().set(prefix + fileId, value, SetArgs.Builder.px(ttl.toMillis()));
        } catch (RuntimeException e) {
            // The entry expires within the TTL; the projection does not stop for its cache.
            errors.increment();
        }
    }

    private void trim() {
        if (local.size() > LOCAL_ENTRIES) {
            Instant now = clock.instant();
            local.values().removeIf(entry -> entry.expires().isBefore(now));
            if (local.size() > LOCAL_ENTRIES) {
                local.clear();
            }
        }
    }

    private Optional<FileView> read(String value) {
        if (TOMBSTONE.equals(value)) {
            return Optional.empty();
        }
        try {
            return Optional.of(json.readValue(value, FileView.class));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("unreadable cache entry", e);
        }
    }

    private String write(FileView view) {
        try {
            return json.writeValueAsString(view);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot cache " + view.fileId(), e);
        }
    }

    @Override
    public void close() {
        if (redis != null) {
            redis.close();
        }
        if (client != null) {
            client.shutdown(0, 2, TimeUnit.SECONDS);
        }
    }
}
