package io.depot.platform.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * The one connection to Redis that every Redis user of a service shares: one client, one set of client resources,
 * one connection (string keys, byte values) that Lettuce multiplexes. It is opened in the background and, until the
 * first attempt succeeds, attempted again with growing pauses; once open, Lettuce reconnects it by itself whenever
 * Redis goes away. While there is no connection {@link #connection()} answers null, and commands sent on a
 * connection that just dropped fail at once instead of queueing: each user then does what it does without Redis
 * (the rate limiter decides with local buckets, the metadata cache reads the read model) and uses Redis again as
 * soon as it is back, without a restart. Nothing here ever blocks its caller.
 */
public class SharedRedis implements AutoCloseable {

    /** Keys are strings, values bytes: what Bucket4j needs, and what a string or a number encodes to. */
    public static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

    private static final Logger log = LoggerFactory.getLogger(SharedRedis.class);

    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    private volatile StatefulRedisConnection<String, byte[]> connection;
    private volatile boolean closed;

    public SharedRedis(RedisConnectionProperties properties) {
        if (!properties.configured()) {
            this.resources = null;
            this.client = null;
            this.uri = null;
            return;
        }
        this.uri = RedisURI.create(properties.uri());
        uri.setTimeout(properties.timeout());
        this.resources = ClientResources.builder()
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), properties.maxReconnectDelay(), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .socketOptions(SocketOptions.builder().connectTimeout(properties.connectTimeout()).build())
                .timeoutOptions(TimeoutOptions.enabled())
                .build());
        client.addListener(new RedisConnectionStateListener() {
            @Override
            public void onRedisConnected(RedisChannelHandler<?, ?> handler, SocketAddress address) {
                StatefulRedisConnection<String, byte[]> open = connection;
                if (open == handler) { // a reconnect; the first connect is announced once connectAsync completes
                    watchers.forEach(w -> w.opened().accept(open));
                }
            }

            @Override
            public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
                if (connection == handler) {
                    watchers.forEach(w -> w.closed().run());
                }
            }
        });
        connect(1);
    }

    /**
     * Calls {@code opened} with the shared connection each time it opens, the first time and after every reconnect
     * (at once if it is open already), and {@code closed} each time it drops: what a user that keeps per-connection
     * state in Redis (such as client-side caching) needs to set that state up again. {@code opened} may be called
     * twice for one opening, so it must be idempotent. Both run on Lettuce's threads and must not block.
     */
    public void watch(Consumer<StatefulRedisConnection<String, byte[]>> opened, Runnable closed) {
        if (client == null) {
            return;
        }
        watchers.add(new Watcher(opened, closed));
        StatefulRedisConnection<String, byte[]> open = connection();
        if (open != null) {
            opened.accept(open);
        }
    }

    private record Watcher(Consumer<StatefulRedisConnection<String, byte[]>> opened, Runnable closed) {
    }

    /** Whether a Redis is configured at all: without one, every user keeps its state in this process. */
    public boolean configured() {
        return client != null;
    }

    /**
     * The shared connection while it is open; null when no Redis is configured, before the first connection
     * succeeded, and while Lettuce reconnects it. A connection answered here may still drop before a command
     * reaches Redis: such a command fails at once.
     */
    public StatefulRedisConnection<String, byte[]> connection() {
        StatefulRedisConnection<String, byte[]> open = connection;
        return open != null && open.isOpen() ? open : null;
    }

    private void connect(int attempt) {
        client.connectAsync(CODEC, uri).whenComplete((opened, failure) -> {
            if (failure == null && closed) {
                opened.closeAsync();
            } else if (failure == null) {
                connection = opened;
                log.info("Connected to Redis at {}:{}", uri.getHost(), uri.getPort());
                watchers.forEach(w -> w.opened().accept(opened));
            } else if (!closed) {
                if (attempt == 1) {
                    log.warn("Redis at {}:{} unreachable, trying again in the background: {}", uri.getHost(),
                            uri.getPort(), failure.toString());
                }
                Duration pause = resources.reconnectDelay().createDelay(attempt);
                resources.eventExecutorGroup().schedule(() -> {
                    if (!closed) {
                        connect(attempt + 1);
                    }
                }, pause.toMillis(), TimeUnit.MILLISECONDS);
            }
        });
    }

    @Override
    public void close() {
        if (client == null) {
            return;
        }
        closed = true;
        StatefulRedisConnection<String, byte[]> open = connection;
        if (open != null) {
            open.close();
        }
        client.shutdown(0, 2, TimeUnit.SECONDS);
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
