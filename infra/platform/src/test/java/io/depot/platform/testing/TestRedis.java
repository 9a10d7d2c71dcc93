package io.depot.platform.testing;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.embedded.RedisServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * The Redis every test uses: the server at {@code DEPOT_TEST_REDIS_URL}, by default {@code redis://127.0.0.1:6379},
 * when it answers PING; else a real redis-server that this JVM starts itself from the binary of
 * {@code com.github.codemonstur:embedded-redis} and stops when it exits. A test that needs Redis therefore always
 * runs: it never skips for want of a server.
 */
public final class TestRedis {

    private static final Logger log = LoggerFactory.getLogger(TestRedis.class);
    private static final String CONFIGURED_URL =
            System.getenv().getOrDefault("DEPOT_TEST_REDIS_URL", "redis://127.0.0.1:6379");

    private static String url;

    private TestRedis() {
    }

    /** The Redis URI the tests use. */
    public static synchronized String url() {
        if (url == null) {
            url = answers(URI.create(CONFIGURED_URL)) ? CONFIGURED_URL : embedded();
        }
        return url;
    }

    private static boolean answers(URI uri) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort() == -1 ? 6379 : uri.getPort()), 1000);
            socket.setSoTimeout(1000);
            socket.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            // A server that wants a password answers -NOAUTH: it is there, and the URL carries the password.
            int first = in.read();
            if (first == '+' || first == '-') {
                log.info("tests use the Redis at {}", uri);
                return true;
            }
        } catch (IOException e) {
            log.info("no Redis answers at {} ({}): starting an embedded one", uri, e.getMessage());
            return false;
        }
        log.info("no Redis answers at {}: starting an embedded one", uri);
        return false;
    }

    private static String embedded() {
        try {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            RedisServer redis = RedisServer.newRedisServer().port(port).bind("127.0.0.1")
                    .setting("save \"\"").setting("appendonly no").build();
            redis.start();
            StopAtExit.register("embedded-redis", redis::stop);
            String embedded = "redis://127.0.0.1:" + port;
            log.info("tests use an embedded Redis at {}", embedded);
            return embedded;
        } catch (IOException e) {
            throw new UncheckedIOException("no Redis at " + CONFIGURED_URL + " and the embedded one failed", e);
        }
    }
}
