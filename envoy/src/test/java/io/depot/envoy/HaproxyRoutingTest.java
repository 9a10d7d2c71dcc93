package io.depot.envoy;

import io.depot.envoy.ApiEndpoints.Endpoint;
import io.depot.envoy.Backend.Seen;
import io.envoyproxy.envoy.config.route.v3.Route;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The haproxy.cfg rendered from envoy.yaml, run by the real HAProxy in front of stand-in instances (two of
 * command-blue, two of query-blue): each endpoint of the API table reaches the cluster Envoy's route table names, an
 * instance that fails its readiness check stops getting requests, a keyed POST whose instance drops the connection
 * is retried on the other one while an unkeyed one is not, and a part larger than HAProxy's buffer streams through
 * whole.
 */
class HaproxyRoutingTest {

    static {
        // The stand-ins keep idle connections longer than HAProxy reuses them, so that no request of a test meets
        // a connection the instance has just closed.
        System.setProperty("sun.net.httpserver.idleInterval", "3600");
    }

    private static final Duration CHECKS = Duration.ofSeconds(30);

    @TempDir
    static Path dir;

    private static List<Route> routes;
    private static List<Backend> backends;
    private static Haproxy haproxy;
    private static URI depot;
    private static URI stats;
    private static final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws Exception {
        var envoy = EnvoyConfig.load(Path.of("envoy.yaml"));
        routes = EnvoyConfig.routes(envoy);
        backends = List.of(Backend.start("command-blue", "command-blue-1"), Backend.start("command-blue", "command-blue-2"),
                Backend.start("query-blue", "query-blue-1"), Backend.start("query-blue", "query-blue-2"));
        int port = Haproxy.freePort();
        int statsPort = Haproxy.freePort();
        HaproxyConfig config = HaproxyConfig.of(envoy).listen("127.0.0.1:" + port).stats("127.0.0.1:" + statsPort);
        backends.stream().collect(Collectors.groupingBy(b -> b.cluster, Collectors.mapping(Backend::address,
                Collectors.toList()))).forEach(config::instances);
        haproxy = Haproxy.start(config.writeTo(dir.resolve("haproxy.cfg")), dir.resolve("haproxy.log"));
        depot = URI.create("http://127.0.0.1:" + port);
        stats = URI.create("http://127.0.0.1:" + statsPort + "/;csv");
        awaitEveryInstanceUp();
    }

    @AfterEach
    void healEveryInstance() {
        backends.forEach(b -> {
            b.readiness(200);
            b.dropWhen(id -> false);
        });
        awaitEveryInstanceUp();
    }

    @AfterAll
    static void stop() throws Exception {
        if (haproxy != null) {
            haproxy.close();
            System.out.println(haproxy.log());
        }
        if (backends != null) {
            backends.forEach(Backend::close);
        }
    }

    @ParameterizedTest
    @MethodSource("io.depot.envoy.ApiEndpoints#all")
    void eachEndpointReachesAClusterEnvoyRoutesItTo(Endpoint endpoint) throws Exception {
        Route route = endpoint.route(routes);
        Set<String> clusters = route.getRoute().getWeightedClusters().getClustersList().stream()
                .filter(c -> c.getWeight().getValue() > 0).map(c -> c.getName()).collect(Collectors.toSet());

        String id = UUID.randomUUID().toString();
        HttpResponse<String> response = send(endpoint, id, BodyPublishers.ofString("{}"));

        assertThat(response.statusCode()).as(haproxy.log()).isEqualTo(200);
        List<Seen> seen = seen(id);
        assertThat(seen).hasSize(1);
        assertThat(clusterOf(seen.get(0))).as("route %s", route.getName()).isIn(clusters)
                .startsWith(endpoint.service() + "-");
        assertThat(seen.get(0).forwardedFor()).as("X-Forwarded-For").endsWith("127.0.0.1");
        assertThat(seen.get(0).requestId()).as("X-Request-ID").isNotBlank();
    }

    @Test
    void anInstanceFailingItsReadinessCheckStopsGettingRequests() throws Exception {
        Backend failing = backend("query-blue-1");
        failing.readiness(503);
        await("query-blue-1 marked down").atMost(CHECKS).until(() -> status("query-blue", "query-blue-1").equals("DOWN"));

        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String id = UUID.randomUUID().toString();
            ids.add(id);
            assertThat(send(new Endpoint("GET", "/v1/files/f1", false, "query"), id, BodyPublishers.noBody())
                    .statusCode()).isEqualTo(200);
        }
        assertThat(ids).allSatisfy(id -> assertThat(seen(id)).singleElement()
                .satisfies(s -> assertThat(s.instance()).isEqualTo("query-blue-2")));
    }

    @Test
    void aKeyedPostIsRetriedOnTheOtherInstanceWhenTheFirstDropsTheConnection() throws Exception {
        Endpoint keyed = new Endpoint("POST", "/v1/uploads/initiate", true, "command");
        assertThat(keyed.route(routes).getRoute().hasRetryPolicy()).isTrue();
        String id = UUID.randomUUID().toString();
        AtomicBoolean first = new AtomicBoolean(true);
        commandInstances().forEach(b -> b.dropWhen(testId -> testId.equals(id) && first.getAndSet(false)));

        HttpResponse<String> response = send(keyed, id, BodyPublishers.ofString("{\"file_name\": \"a\"}"));

        assertThat(response.statusCode()).as(haproxy.log()).isEqualTo(200);
        List<Seen> attempts = seen(id);
        assertThat(attempts).hasSize(2);
        assertThat(attempts.stream().map(Seen::instance).distinct()).hasSize(2);
        assertThat(attempts.stream().filter(s -> s.bodyLength() == -1)).hasSize(1);
    }

    @Test
    void anUnkeyedPostOnARouteWithoutRetriesIsNotRetried() throws Exception {
        Endpoint unkeyed = new Endpoint("POST", "/v1/admin/reconcile-runs", false, "command");
        assertThat(unkeyed.route(routes).getRoute().hasRetryPolicy()).isFalse();
        String id = UUID.randomUUID().toString();
        commandInstances().forEach(b -> b.dropWhen(id::equals));

        HttpResponse<String> response = send(unkeyed, id, BodyPublishers.ofString("{}"));

        assertThat(response.statusCode()).as(haproxy.log()).isEqualTo(502);
        assertThat(seen(id)).hasSize(1);
    }

    @Test
    void aPartLargerThanHaproxysBufferStreamsThroughWhole() throws Exception {
        int size = 8 * 1024 * 1024;
        String id = UUID.randomUUID().toString();
        Endpoint part = new Endpoint("PUT", "/v1/uploads/x/parts/1", false, "command");

        // No length given: the body goes out chunked, as a client streaming a part sends it.
        HttpResponse<String> response = send(part, id, BodyPublishers.ofInputStream(() -> bytes(size)));

        assertThat(response.statusCode()).as(haproxy.log()).isEqualTo(200);
        var sha256 = Backend.sha256();
        try (InputStream expected = bytes(size)) {
            sha256.update(expected.readAllBytes());
        }
        assertThat(seen(id)).singleElement().satisfies(s -> {
            assertThat(s.bodyLength()).isEqualTo(size);
            assertThat(s.sha256()).isEqualTo(HexFormat.of().formatHex(sha256.digest()));
            assertThat(clusterOf(s)).isEqualTo("command-blue");
        });
    }

    @Test
    void aHeaderNameWithAnUnderscoreIsRefusedAsEnvoyRefusesIt() throws Exception {
        String id = UUID.randomUUID().toString();
        HttpRequest request = HttpRequest.newBuilder(depot.resolve("/v1/files/f1")).header(Backend.TEST_ID, id)
                .header("X_Depot", "1").GET().build();

        assertThat(client.send(request, BodyHandlers.ofString()).statusCode()).isEqualTo(400);
        assertThat(seen(id)).isEmpty();
    }

    private static HttpResponse<String> send(Endpoint endpoint, String id, BodyPublisher body)
            throws IOException, InterruptedException {
        boolean hasBody = Set.of("POST", "PUT", "PATCH").contains(endpoint.method());
        HttpRequest.Builder request = HttpRequest.newBuilder(depot.resolve(endpoint.path()))
                .timeout(Duration.ofSeconds(60)).header(Backend.TEST_ID, id)
                .method(endpoint.method(), hasBody ? body : BodyPublishers.noBody());
        if (endpoint.keyed()) {
            request.header("Idempotency-Key", id);
        }
        return client.send(request.build(), BodyHandlers.ofString());
    }

    /** Deterministic bytes, the same on each call. */
    private static InputStream bytes(int size) {
        byte[] data = new byte[size];
        new Random(size).nextBytes(data);
        return new ByteArrayInputStream(data);
    }

    private static List<Seen> seen(String id) {
        return backends.stream().flatMap(b -> b.seen().stream()).filter(s -> id.equals(s.testId())).toList();
    }

    private static String clusterOf(Seen seen) {
        return backend(seen.instance()).cluster;
    }

    private static Backend backend(String name) {
        return backends.stream().filter(b -> b.name.equals(name)).findFirst().orElseThrow();
    }

    private static Stream<Backend> commandInstances() {
        return backends.stream().filter(b -> b.cluster.equals("command-blue"));
    }

    private static void awaitEveryInstanceUp() {
        await("every instance up in HAProxy").atMost(CHECKS)
                .failFast("haproxy exited", () -> !haproxy.alive())
                .until(() -> backends.stream().allMatch(b -> status(b.cluster, b.name).equals("UP")));
    }

    /** A server's status on HAProxy's stats page: UP, DOWN, on its way ("UP 1/2"), or why there is none. */
    private static String status(String backend, String server) {
        String csv;
        try {
            csv = client.send(HttpRequest.newBuilder(stats).build(), BodyHandlers.ofString()).body();
        } catch (IOException e) {
            return "no stats page yet: " + e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        List<String> lines = csv.lines().toList();
        List<String> header = List.of(lines.get(0).replaceFirst("^# ", "").split(","));
        int status = header.indexOf("status");
        return lines.stream().skip(1).map(l -> l.split(",", -1))
                .filter(f -> f[0].equals(backend) && f[1].equals(server)).map(f -> f[status])
                .findFirst().orElse("missing");
    }

}
