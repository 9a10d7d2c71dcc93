package io.depot.projection.file;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.depot.file.FileView;
import io.depot.platform.redis.SharedRedis;
import io.lettuce.core.SetArgs;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.push.PushListener;
import io.lettuce.core.api.push.PushMessage;
import io.micrometer.core.instrument.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Decoded file views held in this process in front of the shared Redis, kept current by Redis itself: the shared
 * connection asks for client-side caching in broadcast mode ({@code CLIENT TRACKING ON BCAST PREFIX <key prefix>}),
 * and Redis then pushes the name of every cache key any instance changes, or that expires, on that connection. A
 * pushed key is dropped here, so an entry is never older than the last change Redis told this process about.
 *
 * <p>An entry is kept only while tracking is on for the connection it was read from, and tracking counts as on only once
 * Redis announced a probe key this process wrote after asking for it: the cache is emptied and stops taking entries
 * when the connection drops (invalidations may have been lost), and starts again once the reopened connection's probe
 * is announced. A fill races with invalidations by a stamp: a value read from Redis is kept only if
 * no invalidation arrived between sending the read and storing its answer. A Redis without tracking (before 6.0)
 * leaves the cache unused, so every read goes to Redis as before. Entries also expire after {@code depot.cache.ttl},
 * the bound that holds when the projection's write to Redis failed and Redis had nothing to announce.
 */
final class NearCache {

    private static final Logger log = LoggerFactory.getLogger(NearCache.class);
    private static final long PROBE_TTL_MS = 10_000;

    private final Cache<String, Optional<FileView>> entries;
    private final String prefix;
    private final String probes;
    private final Counter invalidations;
    private final AtomicLong epoch = new AtomicLong();
    private final AtomicLong openings = new AtomicLong();
    private volatile StatefulRedisConnection<String, byte[]> listening;
    private volatile boolean tracking;
    private volatile String probe;

    NearCache(SharedRedis redis, String prefix, long maxEntries, Duration ttl, Clock clock, Counter invalidations) {
        this.prefix = prefix;
        this.probes = prefix + "near-probe:";
        this.invalidations = invalidations;
        this.entries = Caffeine.newBuilder()
                .maximumSize(maxEntries)
                .expireAfterWrite(ttl)
                .ticker(() -> TimeUnit.MILLISECONDS.toNanos(clock.millis()))
                .build();
        redis.watch(this::opened, this::closed);
    }

    /** A stamp to pass to {@link #fill} with what a read sent now answers, or -1 when nothing can be kept. */
    long stamp() {
        return tracking ? epoch.get() : -1;
    }

    /** The entry for a key, or null when this process holds none. */
    Optional<FileView> get(String key) {
        return tracking ? entries.getIfPresent(key) : null;
    }

    /** Keeps what Redis answered to a read stamped {@code stamp}, unless an invalidation may have overtaken it. */
    void fill(String key, Optional<FileView> value, long stamp) {
        if (stamp < 0 || epoch.get() != stamp) {
            return;
        }
        entries.put(key, value);
        if (epoch.get() != stamp || !tracking) { // an invalidation ran between the check and the put
            entries.invalidate(key);
        }
    }

    /** Drops an entry this process itself changed in Redis (Redis announces it too). */
    void drop(String key) {
        epoch.incrementAndGet();
        entries.invalidate(key);
    }

    long size() {
        entries.cleanUp();
        return entries.estimatedSize();
    }

    /**
     * Sets tracking up on a connection that opened. The shared connection may announce one opening twice, and Redis
     * refuses a second {@code CLIENT TRACKING ON} with the same prefix, so tracking is turned off and on again, both
     * sent under the lock so that two openings' commands cannot interleave; only the latest opening's probe arms.
     */
    synchronized void opened(StatefulRedisConnection<String, byte[]> connection) {
        long opening = openings.incrementAndGet();
        forget();
        if (listening != connection) {
            listening = connection;
            connection.addListener((PushListener) this::pushed);
        }
        RedisAsyncCommands<String, byte[]> commands = connection.async();
        commands.clientTracking(TrackingArgs.Builder.enabled(false)).exceptionally(e -> null);
        commands.clientTracking(TrackingArgs.Builder.enabled().bcast().prefixes(StandardCharsets.UTF_8, prefix))
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        if (opening == openings.get()) {
                            log.warn("Redis refused client-side caching, file metadata is read from Redis each time: {}",
                                    failure.toString());
                        }
                        return;
                    }
                    // Taken at its word only once an announcement arrives: a proxy in front of Redis, or a
                    // connection without RESP3's pushes, may accept tracking and never announce anything.
                    String probe = probes + UUID.randomUUID();
                    if (!awaitProbe(opening, probe)) {
                        return; // a later opening set tracking up again and sends its own probe
                    }
                    commands.set(probe, "1".getBytes(StandardCharsets.UTF_8), SetArgs.Builder.px(PROBE_TTL_MS))
                            .exceptionally(e -> {
                                log.warn("Could not write the near cache's probe key, file metadata is read from Redis "
                                        + "each time until the connection is opened again: {}", e.toString());
                                return null;
                            });
                });
    }

    private synchronized boolean awaitProbe(long opening, String probe) {
        if (opening != openings.get()) {
            return false;
        }
        this.probe = probe;
        return true;
    }

    /** Tracking proved to work on this connection, if {@code announced} is the latest opening's probe. */
    private synchronized void arm(String announced) {
        String proved = probe;
        if (!announced.equals(proved)) {
            return; // an earlier opening's probe, or another instance's
        }
        probe = null;
        StatefulRedisConnection<String, byte[]> connection = listening;
        if (connection != null) {
            connection.async().del(proved).exceptionally(e -> null);
        }
        epoch.incrementAndGet();
        entries.invalidateAll();
        tracking = true;
    }

    private synchronized void closed() {
        openings.incrementAndGet();
        forget();
    }

    private void forget() {
        tracking = false;
        probe = null;
        epoch.incrementAndGet();
        entries.invalidateAll();
    }

    private void pushed(PushMessage message) {
        if (!"invalidate".equals(message.getType())) {
            return;
        }
        epoch.incrementAndGet();
        List<Object> content = message.getContent();
        Object keys = content.size() > 1 ? content.get(1) : null;
        if (keys instanceof Collection<?> changed) {
            for (Object key : changed) {
                if (key instanceof ByteBuffer buffer) {
                    String name = StandardCharsets.UTF_8.decode(buffer.duplicate()).toString();
                    if (name.startsWith(probes)) {
                        arm(name);
                        continue;
                    }
                    entries.invalidate(name);
                    invalidations.increment();
                }
            }
        } else { // null: Redis flushed its keys, or cannot say which changed
            entries.invalidateAll();
            invalidations.increment();
        }
    }
}
