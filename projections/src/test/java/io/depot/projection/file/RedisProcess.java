package io.depot.projection.file;

import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;

/**
 * A real redis-server of the test's own (the binary embedded-redis ships), on a free loopback port, keeping nothing
 * on disk: it can be stopped and started again on the same port without touching the machine's Redis.
 */
final class RedisProcess implements AutoCloseable {

    private final int port;
    private final RedisServer server;

    private RedisProcess(int port) throws IOException {
        this.port = port;
        this.server = RedisServer.newRedisServer()
                .port(port)
                .bind("127.0.0.1")
                .setting("save \"\"")
                .setting("appendonly no")
                .build();
    }

    /** A server started on a free port. */
    static RedisProcess launch() {
        RedisProcess redis = onFreePort();
        redis.start();
        return redis;
    }

    /** A server for a free port, not started yet. */
    static RedisProcess onFreePort() {
        try (ServerSocket free = new ServerSocket(0)) {
            return new RedisProcess(free.getLocalPort());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    String uri() {
        return "redis://127.0.0.1:" + port;
    }

    void start() {
        try {
            server.start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    void stop() {
        try {
            server.stop();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        if (server.isActive()) {
            stop();
        }
    }
}
