package io.depot.envoy;

import io.depot.envoy.ApiEndpoints.Endpoint;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code envoy/envoy.yaml} read the way Envoy reads it, into its v3 {@link Bootstrap} with every typed config it
 * names registered: a misspelled field, a wrong type or an unknown {@code @type} fails here. What the protobuf
 * parser accepts but Envoy would not serve is checked too: every route's clusters exist and are health-checked, and
 * each endpoint of Depot's API goes to the service that serves it.
 */
class EnvoyConfigTest {

    private static Bootstrap bootstrap;
    private static List<Route> routes;

    @BeforeAll
    static void load() throws Exception {
        bootstrap = EnvoyConfig.load(Path.of("envoy.yaml"));
        routes = EnvoyConfig.routes(bootstrap);
    }

    @Test
    void aTypoIsRefused() {
        assertThatThrownBy(() -> EnvoyConfig.parse("static_resources:\n  clusters:\n    - name: x\n      conect_timeout: 1s\n"))
                .hasMessageContaining("conect_timeout");
    }

    @Test
    void everyRouteGoesToDeclaredHealthCheckedClusters() {
        Map<String, Cluster> clusters = bootstrap.getStaticResources().getClustersList().stream()
                .collect(Collectors.toMap(Cluster::getName, c -> c));
        assertThat(clusters).containsOnlyKeys("command-blue", "command-green", "query-blue", "query-green");
        for (Route route : routes) {
            WeightedCluster weighted = route.getRoute().getWeightedClusters();
            assertThat(weighted.getClustersList()).as(route.getName()).isNotEmpty();
            assertThat(weighted.getClustersList().stream().mapToInt(c -> c.getWeight().getValue()).sum())
                    .as("weights of %s", route.getName()).isEqualTo(100);
            weighted.getClustersList().forEach(c -> assertThat(clusters).as(route.getName()).containsKey(c.getName()));
        }
        for (Cluster cluster : clusters.values()) {
            assertThat(cluster.getHealthChecksList()).as(cluster.getName()).hasSize(1);
            assertThat(cluster.getHealthChecks(0).getHttpHealthCheck().getPath()).isEqualTo("/health/readiness");
            assertThat(cluster.hasOutlierDetection()).as(cluster.getName()).isTrue();
            assertThat(cluster.getLoadAssignment().getClusterName()).isEqualTo(cluster.getName());
        }
    }

    /** Each endpoint of the README's API table, and the service that serves it. */
    @ParameterizedTest
    @MethodSource("io.depot.envoy.ApiEndpoints#all")
    void eachEndpointGoesToItsService(Endpoint endpoint) {
        Route route = endpoint.route(routes);
        assertThat(route.getRoute().getWeightedClusters().getClustersList())
                .allSatisfy(c -> assertThat(c.getName()).startsWith(endpoint.service() + "-"));
    }

    /** Retries only where they are safe: idempotent methods, or requests carrying an Idempotency-Key. */
    @ParameterizedTest
    @CsvSource({
            "POST, /v1/uploads/initiate, false, false",
            "POST, /v1/uploads/initiate, true, true",
            "POST, /v1/uploads/u1/complete, false, false",
            "PUT, /v1/uploads/u1/parts/1, false, false",
            "GET, /v1/uploads/u1, false, true",
            "DELETE, /v1/files/f1, false, true",
            "POST, /v1/admin/reconcile-runs, false, false",
            "GET, /v1/files/f1/download, false, true"})
    void retriesOnlyWhereSafe(String method, String path, boolean keyed, boolean retried) {
        assertThat(match(method, path, keyed).getRoute().hasRetryPolicy()).isEqualTo(retried);
    }

    @Test
    void uploadRoutesNeverTimeOutAStreamingPart() {
        Route part = match("PUT", "/v1/uploads/u1/parts/1", false);
        assertThat(part.getRoute().getTimeout().getSeconds()).isZero();
        assertThat(part.getRoute().getIdleTimeout().getSeconds()).isPositive();
    }

    /** The first route Envoy would pick, evaluating prefix and header matchers in order. */
    private static Route match(String method, String path, boolean keyed) {
        return new Endpoint(method, path, keyed, "any").route(routes);
    }

    @Test
    void theListenerLogsJsonAndRoutesWithTheRouterLast() throws Exception {
        HttpConnectionManager manager = EnvoyConfig.connectionManager(bootstrap);
        assertThat(manager.getAccessLog(0).getTypedConfig().unpack(StdoutAccessLog.class).getLogFormat().hasJsonFormat())
                .isTrue();
        Set<String> names = manager.getHttpFiltersList().stream().map(f -> f.getName()).collect(Collectors.toSet());
        assertThat(manager.getHttpFilters(manager.getHttpFiltersCount() - 1).getName())
                .isEqualTo("envoy.filters.http.router");
        assertThat(names).contains("envoy.filters.http.router");
    }
}
