package io.depot.envoy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Predicate;

/**
 * A stand-in for one instance of a Depot service behind the balancer: answers {@code /health/readiness} with the
 * status it is told, every other request with 200 and its own name, and records what it got. Told to, it closes
 * the connection on a request without answering, as a crashing instance would.
 */
final class Backend implements AutoCloseable {

    /** A request as this instance got it; {@code bodyLength} is -1 when it closed the connection instead. */
    record Seen(String instance, String method, String path, String testId, String forwardedFor, String requestId,
                long bodyLength, String sha256) {
    }

    static final String TEST_ID = "X-Test-Id";

    final String cluster;
    final String name;
    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(4);
    private final List<Seen> seen = new CopyOnWriteArrayList<>();
    private volatile int readiness = 200;
    private volatile Predicate<String> dropWhenTestId = id -> false;

    private Backend(String cluster, String name) throws IOException {
        this.cluster = cluster;
        this.name = name;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
        server.createContext("/", this::handle);
        server.setExecutor(executor);
        server.start();
    }

    static Backend start(String cluster, String name) throws IOException {
        return new Backend(cluster, name);
    }

    String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    void readiness(int status) {
        this.readiness = status;
    }

    /** Closes the connection, without an answer, on the requests whose test id the predicate accepts. */
    void dropWhen(Predicate<String> testId) {
        this.dropWhenTestId = testId;
    }

    List<Seen> seen() {
        return List.copyOf(seen);
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            if (exchange.getRequestURI().getPath().equals("/health/readiness")) {
                answer(exchange, readiness);
                return;
            }
            var headers = exchange.getRequestHeaders();
            String testId = headers.getFirst(TEST_ID);
            String forwardedFor = String.join(",", headers.getOrDefault("X-Forwarded-For", List.of()));
            if (testId != null && dropWhenTestId.test(testId)) {
                seen.add(new Seen(name, exchange.getRequestMethod(), exchange.getRequestURI().getPath(), testId,
                        forwardedFor, headers.getFirst("X-Request-ID"), -1, null));
                return; // closing the exchange before any answer closes the connection
            }
            MessageDigest sha256 = sha256();
            long length = 0;
            try (InputStream body = exchange.getRequestBody()) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = body.read(buffer)) != -1; length += n) {
                    sha256.update(buffer, 0, n);
                }
            }
            seen.add(new Seen(name, exchange.getRequestMethod(), exchange.getRequestURI().getPath(), testId,
                    forwardedFor, headers.getFirst("X-Request-ID"), length, HexFormat.of().formatHex(sha256.digest())));
            answer(exchange, 200);
        }
    }

    private void answer(HttpExchange exchange, int status) throws IOException {
        byte[] body = name.getBytes(StandardCharsets.UTF_8);
        exchange.sendResponseHeaders(status, body.length);
        exchange.getResponseBody().write(body);
    }

    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
