package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Debian's {@code prometheus} as a child process on a free loopback port, scraping one Depot every second and
 * evaluating the given rule file, with its storage in a directory of its own. Started, it answers its HTTP API.
 */
final class PrometheusServer implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path dir;
    private final String base;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PrometheusServer(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.base = "http://127.0.0.1:" + port;
    }

    static Path binary() {
        String path = System.getenv().getOrDefault("PATH", "") + ":/usr/bin:/usr/local/bin";
        return Stream.of(path.split(":")).filter(dir -> !dir.isEmpty()).map(dir -> Path.of(dir, "prometheus"))
                .filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new AssertionError("prometheus is not installed: install Debian's prometheus "
                        + "(apt-get install -y --no-install-recommends prometheus; .ci/run does)"));
    }

    /** Scrapes {@code /prometheus} of the Depot on {@code depotPort}, evaluating {@code rules}. */
    static PrometheusServer start(int depotPort, Path rules) throws IOException {
        Path binary = binary();
        Path dir = Files.createTempDirectory("depot-prometheus-");
        Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: ["%s"]
                scrape_configs:
                  - job_name: depot
                    metrics_path: /prometheus
                    static_configs:
                      - targets: ["127.0.0.1:%d"]
                """.formatted(rules.toAbsolutePath(), depotPort));
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        Process process = new ProcessBuilder(List.of(binary.toString(),
                "--config.file=" + dir.resolve("prometheus.yml"),
                "--storage.tsdb.path=" + dir.resolve("data"),
                "--web.listen-address=127.0.0.1:" + port))
                .redirectErrorStream(true).redirectOutput(dir.resolve("prometheus.log").toFile()).start();
        PrometheusServer prometheus = new PrometheusServer(process, dir, port);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100)).until(() -> {
            assertThat(process.isAlive()).as("prometheus exited: " + prometheus.log()).isTrue();
            try {
                return prometheus.get("/-/ready").statusCode() == 200;
            } catch (IOException e) {
                return false;
            }
        });
        return prometheus;
    }

    /** The value of an instant query that yields one sample, or null while it yields none. */
    Double value(String promql) {
        JsonNode result = api("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8))
                .path("data").path("result");
        assertThat(result.size()).as(promql + " gives " + result).isLessThanOrEqualTo(1);
        return result.isEmpty() ? null : Double.valueOf(result.get(0).path("value").get(1).asText());
    }

    /** A call of the HTTP API; its {@code status} is success. */
    JsonNode api(String pathAndQuery) {
        try {
            HttpResponse<String> response = get(pathAndQuery);
            JsonNode body = JSON.readTree(response.body());
            assertThat(body.path("status").asText()).as(pathAndQuery + ": " + response.body()).isEqualTo("success");
            return body;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private HttpResponse<String> get(String pathAndQuery) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    String log() {
        try {
            return Files.readString(dir.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        }
        org.springframework.util.FileSystemUtils.deleteRecursively(dir.toFile());
    }
}
