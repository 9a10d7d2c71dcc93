package io.depot.envoy;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.CircuitBreakers;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.HeaderValueOption;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.HeadersWithUnderscoresAction;
import io.envoyproxy.envoy.config.route.v3.QueryParameterMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Named.named;

/**
 * envoy.yaml rendered as haproxy.cfg: the real HAProxy accepts it without a warning, the route table keeps Envoy's
 * order and retry decisions, and an Envoy construct the translation does not know is refused, naming where it is.
 */
class HaproxyConfigTest {

    private static Bootstrap envoy;

    @TempDir
    Path dir;

    @BeforeAll
    static void load() throws Exception {
        envoy = EnvoyConfig.load(Path.of("envoy.yaml"));
    }

    private static HaproxyConfig everyCluster(Bootstrap bootstrap) {
        return HaproxyConfig.of(bootstrap).listen("127.0.0.1:10000").stats("127.0.0.1:10001")
                .instances("command-blue", List.of("127.0.0.1:8081", "127.0.0.1:8181"))
                .instances("command-green", List.of("127.0.0.1:8281"))
                .instances("query-blue", List.of("127.0.0.1:8082", "127.0.0.1:8182"))
                .instances("query-green", List.of("127.0.0.1:8282"));
    }

    @Test
    void haproxyAcceptsTheRenderedConfigWithoutAWarning() throws Exception {
        Haproxy.Check check = Haproxy.check(everyCluster(envoy).writeTo(dir.resolve("haproxy.cfg")));

        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).doesNotContain("[WARNING]", "[ALERT]");
    }

    @Test
    void aClusterGivenNoInstancesIsABackendWithoutServers() throws Exception {
        String config = HaproxyConfig.of(envoy).listen("127.0.0.1:10000")
                .instances("command-blue", List.of("127.0.0.1:8081"))
                .instances("query-blue", List.of("127.0.0.1:8082")).render();
        Files.writeString(dir.resolve("haproxy.cfg"), config);

        Haproxy.Check check = Haproxy.check(dir.resolve("haproxy.cfg"));
        assertThat(check.exitCode()).as(check.output()).isZero();
        assertThat(check.output()).doesNotContain("[WARNING]", "[ALERT]");
        assertThat(config).contains("backend command-green", "backend query-green")
                .doesNotContain("server command-green", "server query-green");
    }

    @Test
    void theRoutesKeepEnvoysOrderAndRetryOnlyWhereEnvoyDoes() {
        String config = everyCluster(envoy).render();
        List<Route> routes = EnvoyConfig.routes(envoy);

        List<String> order = Pattern.compile("set-var\\(txn\\.route\\) str\\(([^)]+)\\)").matcher(config).results()
                .map(m -> m.group(1)).toList();
        assertThat(order).containsExactlyElementsOf(routes.stream().map(Route::getName).toList());
        List<String> notRetried = Pattern.compile("disable-l7-retry if route_(\\S+)").matcher(config).results()
                .map(m -> m.group(1)).toList();
        assertThat(notRetried).containsExactlyElementsOf(routes.stream()
                .filter(r -> !r.getRoute().hasRetryPolicy()).map(Route::getName).toList());
        assertThat(config).contains("retries 2\n", "option redispatch 1\n", "option http-buffer-request\n",
                "retry-on conn-failure empty-response junk-response response-timeout 502 503 504\n");
    }

    @Test
    void aStreamedPartWaitsOnItsIdleTimeoutAndAReadOnItsTimeout() {
        String config = everyCluster(envoy).render();

        assertThat(config).contains("set-var(txn.server_timeout) int(300000) if route_uploads\n",
                "set-var(txn.server_timeout) int(15000) if route_reads\n",
                "set-var(txn.server_timeout) int(30000) if route_commands-keyed\n");
    }

    @Test
    void instancesOfAClusterEnvoyDoesNotHaveAreRefused() {
        assertThatThrownBy(() -> HaproxyConfig.of(envoy).listen("127.0.0.1:10000")
                .instances("command-purple", List.of("127.0.0.1:8081")).render())
                .hasMessageContaining("command-purple");
    }

    @Test
    void theCommandLineWritesTheFile() throws Exception {
        Path out = dir.resolve("cli.cfg");
        HaproxyConfig.main(new String[] {"--envoy", "envoy.yaml", "--listen", "127.0.0.1:10000",
                "--cluster", "command-blue=127.0.0.1:8081,127.0.0.1:8181", "--cluster", "query-blue=127.0.0.1:8082",
                "--stats", "127.0.0.1:10001", "--out", out.toString()});

        assertThat(Files.readString(out)).contains("server command-blue-2 127.0.0.1:8181 check",
                "bind 127.0.0.1:10000", "bind 127.0.0.1:10001");
        assertThat(Haproxy.check(out).exitCode()).isZero();
    }

    static Stream<Arguments> untranslated() {
        return Stream.of(
                refused("a query parameter match", route("reads", r -> r.getMatchBuilder()
                        .addQueryParameters(QueryParameterMatcher.newBuilder().setName("v").setPresentMatch(true))),
                        "route reads", "query_parameters"),
                refused("a path regex", route("reads", r -> r.getMatchBuilder()
                        .setSafeRegex(RegexMatcher.newBuilder().setRegex("/v1/.*"))), "route reads", "safe_regex"),
                refused("a header prefix match", route("commands", r -> r.getMatchBuilder().getHeadersBuilder(0)
                        .setStringMatch(StringMatcher.newBuilder().setPrefix("P"))), "route commands", "prefix"),
                refused("a string match on a header other than :method", route("uploads-keyed-post",
                        r -> r.getMatchBuilder().getHeadersBuilder(1)
                                .setStringMatch(StringMatcher.newBuilder().setExact("k"))),
                        "route uploads-keyed-post", "idempotency-key"),
                refused("a prefix rewrite", route("uploads", r -> r.getRouteBuilder().setPrefixRewrite("/")),
                        "route uploads", "prefix_rewrite"),
                refused("headers added", route("reads", r -> r.addRequestHeadersToAdd(HeaderValueOption.newBuilder()
                        .setHeader(HeaderValue.newBuilder().setKey("x-depot").setValue("1")))),
                        "route reads", "request_headers_to_add"),
                refused("a retry condition", route("uploads-read", r -> r.getRouteBuilder().getRetryPolicyBuilder()
                        .setRetryOn("5xx")), "route uploads-read", "5xx"),
                refused("retry counts that differ", route("commands-keyed", r -> r.getRouteBuilder()
                        .getRetryPolicyBuilder().setNumRetries(UInt32Value.of(3))), "commands-keyed", "retry"),
                refused("a hash balancer", cluster("query-blue", c -> c.setLbPolicy(Cluster.LbPolicy.RING_HASH)),
                        "cluster query-blue", "RING_HASH"),
                refused("circuit breakers", cluster("command-green", c -> c.setCircuitBreakers(
                        CircuitBreakers.newBuilder().addThresholds(CircuitBreakers.Thresholds.newBuilder()
                                .setMaxRetries(UInt32Value.of(3))))), "cluster command-green", "circuit_breakers"),
                refused("underscores dropped", manager(m -> m.getCommonHttpProtocolOptionsBuilder()
                        .setHeadersWithUnderscoresAction(HeadersWithUnderscoresAction.DROP_HEADER)), "DROP_HEADER"),
                refused("a server name", manager(m -> m.setServerName("depot")), "server_name"));
    }

    @ParameterizedTest
    @MethodSource("untranslated")
    void anEnvoyConstructWithoutATranslationIsRefused(UnaryOperator<Bootstrap> edit, List<String> named) {
        assertThatThrownBy(() -> everyCluster(edit.apply(envoy)).render())
                .isInstanceOf(IllegalArgumentException.class)
                .satisfies(e -> assertThat(e.getMessage()).contains(named));
    }

    private static Arguments refused(String what, UnaryOperator<Bootstrap> edit, String... named) {
        return Arguments.of(named(what, edit), List.of(named));
    }

    private static UnaryOperator<Bootstrap> route(String name, Consumer<Route.Builder> edit) {
        return manager(m -> m.getRouteConfigBuilder().getVirtualHostsBuilder(0).getRoutesBuilderList().stream()
                .filter(r -> r.getName().equals(name)).findFirst().ifPresentOrElse(edit,
                        () -> {
                            throw new AssertionError("envoy.yaml has no route " + name);
                        }));
    }

    private static UnaryOperator<Bootstrap> cluster(String name, Consumer<Cluster.Builder> edit) {
        return bootstrap -> {
            Bootstrap.Builder builder = bootstrap.toBuilder();
            builder.getStaticResourcesBuilder().getClustersBuilderList().stream()
                    .filter(c -> c.getName().equals(name)).forEach(edit);
            return builder.build();
        };
    }

    private static UnaryOperator<Bootstrap> manager(Consumer<HttpConnectionManager.Builder> edit) {
        return bootstrap -> {
            Bootstrap.Builder builder = bootstrap.toBuilder();
            var filter = builder.getStaticResourcesBuilder().getListenersBuilder(0).getFilterChainsBuilder(0)
                    .getFiltersBuilder(0);
            try {
                HttpConnectionManager.Builder manager = filter.getTypedConfig().unpack(HttpConnectionManager.class)
                        .toBuilder();
                edit.accept(manager);
                filter.setTypedConfig(Any.pack(manager.build()));
            } catch (InvalidProtocolBufferException e) {
                throw new AssertionError(e);
            }
            return builder.build();
        };
    }
}
