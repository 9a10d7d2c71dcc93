package io.depot.envoy;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.cluster.v3.OutlierDetection;
import io.envoyproxy.envoy.config.core.v3.HealthCheck;
import io.envoyproxy.envoy.config.core.v3.HttpProtocolOptions.HeadersWithUnderscoresAction;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import static io.depot.envoy.Untranslated.because;
import static io.depot.envoy.Untranslated.only;

/**
 * Renders Depot's envoy.yaml as an equivalent haproxy.cfg for HAProxy 2.6, the balancer that runs where Envoy
 * cannot. Both files then hold one route table: the routes, in order, with their matches, weighted clusters,
 * timeouts and retries; the clusters with their health checks. Every field of envoy.yaml is either translated or
 * refused with an exception naming the route or cluster, so an edit of envoy.yaml the translation does not know
 * fails instead of drifting.
 *
 * <p>Each Envoy cluster becomes a backend whose servers are the instances given for it, in place of the cluster's
 * DNS name. A cluster given no instances is a backend with no servers: the share of a route's traffic its weight
 * gives it is answered 503, as Envoy answers a cluster with no healthy host. Its weight is not moved to the other
 * clusters, which would make the two route tables differ.
 *
 * <p>Translated as is: path prefixes and exact paths (case sensitivity too), {@code :method} exact and regex matches
 * (RE2 there, PCRE here: the same for method names), header presence, route order (first match wins; no match is a
 * 404), weighted clusters (one roll per request), {@code LEAST_REQUEST}/{@code ROUND_ROBIN}/{@code RANDOM}, HTTP health
 * checks (path, host, interval, thresholds, timeout, status 200 only), connect timeouts, X-Forwarded-For,
 * X-Request-ID, headers with underscores refused with 400, the JSON access log (fields with an HAProxy equivalent).
 *
 * <p>Approximated, because HAProxy has no exact equivalent:
 * <ul>
 * <li>Route timeouts: Envoy's {@code timeout} bounds a whole exchange, retries included, and {@code per_try_timeout}
 * each attempt until the response starts; HAProxy's server timeout is inactivity per attempt, so a server that
 * never answers keeps a request up to (retries + 1) times it. A route gets the smaller of the two as its server
 * timeout; a route with {@code timeout: 0s} (no limit) gets its {@code idle_timeout} instead (else the stream idle
 * timeout), so a streamed part or a progress stream is not cut.</li>
 * <li>Retries are per backend in HAProxy, not per route: every route with a {@code retry_policy} must have the same
 * {@code retry_on}, {@code num_retries} and host predicate. Routes without one get {@code disable-l7-retry}, but
 * HAProxy still retries a failed connection there (the request was not sent, so resending is safe) where Envoy,
 * which retries nothing without a retry policy, answers 503. {@code connect-failure} is {@code conn-failure};
 * {@code reset} is {@code empty-response junk-response response-timeout}; {@code gateway-error} is 502, 503, 504;
 * {@code refused-stream} needs HTTP/2 upstreams (none here) and has no counterpart; {@code previous_hosts} is
 * {@code option redispatch 1}; {@code host_selection_retry_max_attempts} has none. HAProxy can resend only a
 * request whose body fits in its buffer (16 KiB by default; Envoy buffers up to the connection limit, 1 MiB).</li>
 * <li>Outlier detection: {@code observe layer7 error-limit <consecutive_5xx> on-error mark-down}. A marked-down
 * server returns after {@code rise} passing health checks, not after {@code base_ejection_time};
 * {@code consecutive_gateway_failure}, {@code max_ejection_percent} and Envoy's panic threshold (route to every
 * host when fewer than half are healthy) have no counterpart: HAProxy can take every server of a backend out.</li>
 * <li>{@code per_connection_buffer_limit_bytes}: HAProxy's buffers have a fixed size ({@code tune.bufsize});
 * {@code option http-buffer-request} waits for a body up to that size before choosing a server, then streams the
 * rest.</li>
 * <li>Envoy checks a cluster that never had traffic every 60 s ({@code no_traffic_interval}); HAProxy checks every
 * backend at {@code interval}.</li>
 * <li>The listener's address and the admin interface: replaced by the addresses given here ({@code --stats} for
 * HAProxy's stats page).</li>
 * </ul>
 *
 * <p>Command line ({@code java -jar depot-envoy-<version>-exec.jar}):
 * {@code --envoy envoy/envoy.yaml --listen 127.0.0.1:10000 --cluster command-blue=127.0.0.1:8081,127.0.0.1:8181
 * --cluster query-blue=127.0.0.1:8082 [--stats 127.0.0.1:10001] [--out haproxy.cfg]}.
 */
public final class HaproxyConfig {

    static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.-]+");
    private static final Pattern ADDRESS = Pattern.compile("[A-Za-z0-9_.:\\[\\]-]*:[0-9]+");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9/._~-]*");
    private static final Pattern METHOD = Pattern.compile("[A-Z]+");
    private static final Pattern METHODS = Pattern.compile("[A-Z]+(\\|[A-Z]+)*");
    private static final Pattern HEADER = Pattern.compile("[a-z0-9-]+");
    private static final String RETRY_HOST_PREDICATE = "envoy.retry_host_predicates.previous_hosts";
    private static final Duration ENVOY_ROUTE_TIMEOUT = Durations.fromSeconds(15);
    private static final Duration ENVOY_STREAM_IDLE_TIMEOUT = Durations.fromMinutes(5);
    private static final Duration ENVOY_CONNECTION_IDLE_TIMEOUT = Durations.fromHours(1);
    private static final Duration ENVOY_CONNECT_TIMEOUT = Durations.fromSeconds(5);
    /** What stands for "no limit": HAProxy needs a server timeout, and its largest is about 24 days. */
    private static final Duration NO_LIMIT = Durations.fromDays(1);

    private final Bootstrap envoy;
    private final Map<String, List<String>> instances = new LinkedHashMap<>();
    private String listen;
    private String stats;

    private HaproxyConfig(Bootstrap envoy) {
        this.envoy = envoy;
    }

    /** A translation of {@code envoy}; give it {@link #listen} and the {@link #instances} of each cluster. */
    public static HaproxyConfig of(Bootstrap envoy) {
        return new HaproxyConfig(envoy);
    }

    /** Where HAProxy listens ({@code host:port}), in place of the Envoy listener's address. */
    public HaproxyConfig listen(String address) {
        this.listen = address(address);
        return this;
    }

    /** The instances ({@code host:port}) that serve an Envoy cluster, in place of the cluster's DNS name. */
    public HaproxyConfig instances(String cluster, List<String> addresses) {
        this.instances.put(cluster, addresses.stream().map(HaproxyConfig::address).toList());
        return this;
    }

    /** Where HAProxy serves its stats page ({@code host:port}; CSV at {@code /;csv}); none when not given. */
    public HaproxyConfig stats(String address) {
        this.stats = address(address);
        return this;
    }

    /** Writes {@link #render()} to a file. */
    public Path writeTo(Path file) throws IOException {
        return Files.writeString(file, render());
    }

    /** The haproxy.cfg text; an Envoy construct without a translation is an exception naming where it is. */
    public String render() {
        if (listen == null) {
            throw new IllegalStateException("no listen address");
        }
        only(envoy, "bootstrap", "static_resources", "admin");
        only(envoy.getStaticResources(), "static_resources", "listeners", "clusters");
        HttpConnectionManager manager = EnvoyConfig.connectionManager(envoy);
        List<Route> routes = EnvoyConfig.routes(envoy);
        Listener listener = envoy.getStaticResources().getListeners(0);
        only(listener, "listener " + listener.getName(), "name", "address", "per_connection_buffer_limit_bytes",
                "filter_chains");
        Map<String, Cluster> clusters = new LinkedHashMap<>();
        envoy.getStaticResources().getClustersList().forEach(c -> clusters.put(name("cluster", c.getName()), c));
        instances.keySet().stream().filter(c -> !clusters.containsKey(c)).findFirst().ifPresent(c -> {
            throw because("instances", "envoy.yaml has no cluster " + c + " (it has " + clusters.keySet() + ")");
        });

        Config out = new Config();
        out.comment("Generated from envoy.yaml by io.depot.envoy.HaproxyConfig: render it again rather than edit it.");
        out.comment("What is translated only approximately is said in that class's documentation and below.");
        out.section("global");
        out.line("log stdout format raw local0");
        defaults(out, manager, routes);
        frontend(out, manager, routes, clusters);
        clusters.values().forEach(cluster -> backend(out, cluster));
        if (stats != null) {
            // Defaults of its own: the stats page is not logged.
            out.section("defaults");
            out.line("mode http");
            out.line("timeout client 30s");
            out.section("frontend stats");
            out.line("bind " + stats);
            out.line("stats enable");
            out.line("stats uri /");
            out.line("stats refresh 5s");
        }
        return out.toString();
    }

    private void defaults(Config out, HttpConnectionManager manager, List<Route> routes) {
        only(manager, "http_connection_manager " + manager.getStatPrefix(), "stat_prefix", "stream_idle_timeout",
                "request_timeout", "common_http_protocol_options", "use_remote_address", "access_log", "route_config",
                "http_filters");
        if (manager.hasRequestTimeout() && Durations.toMillis(manager.getRequestTimeout()) != 0) {
            throw because("http_connection_manager", "request_timeout other than 0s has no HAProxy translation");
        }
        var protocol = manager.getCommonHttpProtocolOptions();
        only(protocol, "common_http_protocol_options", "idle_timeout", "headers_with_underscores_action");
        out.section("defaults");
        out.line("mode http");
        HaproxyLogFormat.of(manager).ifPresent(format -> {
            out.line("log global");
            out.line("log-format '" + format + "'");
        });
        out.line("# Envoy's stream_idle_timeout and (connection) idle_timeout.");
        out.line("timeout client " + time(streamIdleTimeout(manager)));
        out.line("timeout server " + time(streamIdleTimeout(manager)));
        out.line("timeout http-keep-alive "
                + time(protocol.hasIdleTimeout() ? protocol.getIdleTimeout() : ENVOY_CONNECTION_IDLE_TIMEOUT));
        out.line("# A request body is buffered (up to the buffer's size) so that a retry can resend it; a larger one");
        out.line("# streams once the buffer is full, and cannot be retried.");
        out.line("option http-buffer-request");
        retries(out, routes);
    }

    /** Retries are per backend in HAProxy: the routes that retry must agree on how. */
    private static void retries(Config out, List<Route> routes) {
        Route first = null;
        for (Route route : routes) {
            if (!route.getRoute().hasRetryPolicy()) {
                continue;
            }
            if (first == null) {
                first = route;
            } else if (!retryPolicy(route).equals(retryPolicy(first))) {
                throw because("route " + route.getName() + " retry_policy", String.join("; ", retryPolicy(route))
                        + " differs from route " + first.getName() + "'s " + String.join("; ", retryPolicy(first))
                        + ": HAProxy's retry settings are per backend, not per route");
            }
        }
        out.line("# The routes with a retry_policy. The others get disable-l7-retry in the frontend, which leaves only");
        out.line("# retries of a connection that failed before anything was sent: Envoy answers those with a 503.");
        out.lines(first == null ? List.of("retries 0") : retryPolicy(first));
    }

    /** A retry policy as HAProxy settings, one a line. */
    private static List<String> retryPolicy(Route route) {
        String where = "route " + route.getName() + " retry_policy";
        RetryPolicy policy = route.getRoute().getRetryPolicy();
        only(policy, where, "retry_on", "num_retries", "per_try_timeout", "retry_host_predicate",
                "host_selection_retry_max_attempts");
        Set<String> on = new LinkedHashSet<>();
        for (String condition : policy.getRetryOn().split(",")) {
            switch (condition.trim()) {
                case "connect-failure" -> on.add("conn-failure");
                case "reset" -> on.addAll(List.of("empty-response", "junk-response", "response-timeout"));
                case "gateway-error" -> on.addAll(List.of("502", "503", "504"));
                case "refused-stream" -> {
                    // An HTTP/2 upstream's REFUSED_STREAM: the upstreams here speak HTTP/1.1.
                }
                default -> throw because(where, "retry_on " + condition.trim() + " has no HAProxy translation");
            }
        }
        List<String> lines = new ArrayList<>();
        lines.add("retries " + (policy.hasNumRetries() ? policy.getNumRetries().getValue() : 1));
        lines.add("retry-on " + (on.isEmpty() ? "none" : String.join(" ", on)));
        for (var predicate : policy.getRetryHostPredicateList()) {
            only(predicate, where + " retry_host_predicate", "name", "typed_config");
            if (!predicate.getName().equals(RETRY_HOST_PREDICATE)
                    || !predicate.getTypedConfig().is(PreviousHostsPredicate.class)) {
                throw because(where, "retry_host_predicate " + predicate.getName() + " has no HAProxy translation");
            }
        }
        if (policy.getRetryHostPredicateCount() > 0) {
            // Envoy's previous_hosts: each retry goes to another server.
            lines.add("option redispatch 1");
        }
        return lines;
    }

    private void frontend(Config out, HttpConnectionManager manager, List<Route> routes, Map<String, Cluster> clusters) {
        out.section("frontend depot");
        out.line("bind " + listen);
        var underscores = manager.getCommonHttpProtocolOptions().getHeadersWithUnderscoresAction();
        if (underscores == HeadersWithUnderscoresAction.REJECT_REQUEST) {
            out.line("# Envoy: headers_with_underscores_action REJECT_REQUEST.");
            out.line("http-request deny deny_status 400 if { req.hdr_names -m sub _ }");
        } else if (underscores != HeadersWithUnderscoresAction.ALLOW) {
            throw because("common_http_protocol_options", "headers_with_underscores_action " + underscores
                    + " has no HAProxy translation");
        }
        if (manager.getUseRemoteAddress().getValue()) {
            out.line("# Envoy (use_remote_address): the client's address appended to X-Forwarded-For (HAProxy adds it");
            out.line("# as a header line of its own), X-Forwarded-Proto set.");
            out.line("option forwardfor");
            out.line("http-request set-header X-Forwarded-Proto http");
        }
        out.line("# Envoy gives every request an X-Request-ID (it may also replace an external client's).");
        out.line("http-request set-header X-Request-ID %[uuid()] unless { req.hdr(x-request-id) -m found }");
        for (String header : HaproxyLogFormat.requestHeaders(manager)) {
            out.line("http-request set-var(" + HaproxyLogFormat.variable(header) + ") req.hdr(" + header + ")");
        }
        if (manager.getHttpFiltersCount() != 1) {
            throw because("http_filters", "only the router filter, as it is, has an HAProxy translation");
        }
        HttpFilter router = manager.getHttpFilters(0);
        only(router, "http filter " + router.getName(), "name", "typed_config");
        if (!router.getTypedConfig().is(Router.class)
                || !EnvoyConfig.unpack(router.getTypedConfig(), Router.class).getAllFields().isEmpty()) {
            throw because("http_filters", "only the router filter, as it is, has an HAProxy translation");
        }

        out.line("# The routes in envoy.yaml's order: the first whose match holds names the request's route.");
        out.line("acl routed var(txn.route) -m found");
        List<String> backendRules = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Route route : routes) {
            String name = name("route", route.getName());
            if (!names.add(name)) {
                throw because("route " + name, "a second route of that name");
            }
            only(route, "route " + name, "name", "match", "route");
            out.line("# route " + name);
            out.line("http-request set-var(txn.route) str(" + name + ") if !routed" + condition(route));
            out.line("acl route_" + name + " var(txn.route) -m str " + name);
            backendRules.addAll(action(out, route, manager, clusters));
        }
        out.line("# Envoy answers 404 when no route matches.");
        out.line("http-request return status 404 if !routed");
        out.lines(backendRules);
    }

    /** The HAProxy conditions of a route's match, each with a leading space. */
    private static String condition(Route route) {
        String where = "route " + route.getName();
        var match = route.getMatch();
        only(match, where + " match", "prefix", "path", "headers", "case_sensitive");
        StringBuilder condition = new StringBuilder();
        boolean caseSensitive = !match.hasCaseSensitive() || match.getCaseSensitive().getValue();
        if (match.hasPath()) {
            // HAProxy's path, like Envoy's exact path, leaves the query string out.
            String path = match.getPath();
            if (path.isEmpty() || !PREFIX.matcher(path).matches()) {
                throw because(where, "path " + path + " has characters the translation does not quote");
            }
            condition.append(" { path ").append(caseSensitive ? "" : "-i ").append(path).append(" }");
        } else {
            String prefix = match.getPrefix();
            if (!PREFIX.matcher(prefix).matches()) {
                throw because(where, "prefix " + prefix + " has characters the translation does not quote");
            }
            if (!prefix.isEmpty()) {
                condition.append(" { path_beg ").append(caseSensitive ? "" : "-i ").append(prefix).append(" }");
            }
        }
        for (HeaderMatcher header : match.getHeadersList()) {
            String name = header.getName().toLowerCase(Locale.ROOT);
            String here = where + " header " + name;
            only(header, here, "name", "present_match", "string_match", "invert_match");
            String test;
            if (header.hasPresentMatch() && HEADER.matcher(name).matches()) {
                test = "{ req.fhdr_cnt(" + name + ") " + (header.getPresentMatch() ? "gt" : "eq") + " 0 }";
            } else if (header.hasStringMatch() && name.equals(":method")) {
                var string = header.getStringMatch();
                only(string, here + " string_match", "exact", "safe_regex");
                if (string.hasSafeRegex()) {
                    only(string.getSafeRegex(), here + " safe_regex", "regex");
                    String regex = string.getSafeRegex().getRegex();
                    if (METHODS.matcher(regex).matches()) {
                        test = "{ method " + regex.replace('|', ' ') + " }";
                    } else if (!regex.contains("'")) {
                        test = "{ method -m reg '^(?:" + regex + ")$' }";
                    } else {
                        throw because(here, "a regex with a single quote has no HAProxy translation");
                    }
                } else if (METHOD.matcher(string.getExact()).matches()) {
                    test = "{ method " + string.getExact() + " }";
                } else {
                    throw because(here, "method " + string.getExact() + " is not a method name");
                }
            } else {
                // A string match on any other header would need Envoy's joining of repeated headers.
                throw because(here, "only :method string matches and header presence have an HAProxy translation");
            }
            condition.append(' ').append(header.getInvertMatch() ? "!" : "").append(test);
        }
        return condition.toString();
    }

    /** Writes a route's per-request settings; returns its use_backend rules, which HAProxy takes after them. */
    private static List<String> action(Config out, Route route, HttpConnectionManager manager,
                                       Map<String, Cluster> clusters) {
        String name = route.getName();
        String where = "route " + name;
        RouteAction action = route.getRoute();
        only(action, where + " route", "cluster", "weighted_clusters", "timeout", "idle_timeout", "retry_policy");
        Map<String, Integer> weights = new LinkedHashMap<>();
        if (action.hasWeightedClusters()) {
            WeightedCluster weighted = action.getWeightedClusters();
            only(weighted, where + " weighted_clusters", "clusters");
            for (var cluster : weighted.getClustersList()) {
                only(cluster, where + " weighted cluster " + cluster.getName(), "name", "weight");
                weights.put(cluster.getName(), cluster.getWeight().getValue());
            }
        } else if (!action.getCluster().isEmpty()) {
            weights.put(action.getCluster(), 1);
        }
        int total = weights.values().stream().mapToInt(Integer::intValue).sum();
        if (total == 0) {
            throw because(where, "no cluster with a weight");
        }
        weights.keySet().stream().filter(c -> !clusters.containsKey(c)).findFirst().ifPresent(c -> {
            throw because(where, "cluster " + c + " is not declared");
        });

        String on = " if route_" + name;
        out.line("http-request set-var(txn.roll) rand(" + total + ")" + on);
        Duration timeout = serverTimeout(action, manager);
        out.line("http-request set-var(txn.server_timeout) int(" + Durations.toMillis(timeout) + ")" + on);
        if (!action.hasRetryPolicy()) {
            out.line("http-request disable-l7-retry" + on);
        }
        List<String> rules = new ArrayList<>();
        rules.add("# route " + name + ": " + weights);
        int upTo = 0;
        for (var weight : weights.entrySet()) {
            if (weight.getValue() > 0) {
                upTo += weight.getValue();
                rules.add("use_backend " + weight.getKey() + on + " { var(txn.roll) -m int lt " + upTo + " }");
            }
        }
        return rules;
    }

    /**
     * HAProxy's server timeout is inactivity per attempt: a route with a timeout gets the smaller of it and the
     * per-try timeout; one without (0s: streamed parts, progress streams) gets its idle timeout.
     */
    private static Duration serverTimeout(RouteAction action, HttpConnectionManager manager) {
        Duration timeout = action.hasTimeout() ? action.getTimeout() : ENVOY_ROUTE_TIMEOUT;
        Duration idle = action.hasIdleTimeout() && Durations.toMillis(action.getIdleTimeout()) > 0
                ? action.getIdleTimeout() : null;
        if (Durations.toMillis(timeout) == 0) {
            if (idle != null) {
                return idle;
            }
            return Durations.toMillis(streamIdleTimeout(manager)) > 0 ? streamIdleTimeout(manager) : NO_LIMIT;
        }
        Duration shortest = timeout;
        if (action.getRetryPolicy().hasPerTryTimeout()
                && Durations.compare(action.getRetryPolicy().getPerTryTimeout(), shortest) < 0) {
            shortest = action.getRetryPolicy().getPerTryTimeout();
        }
        if (idle != null && Durations.compare(idle, shortest) < 0) {
            shortest = idle;
        }
        return shortest;
    }

    private static Duration streamIdleTimeout(HttpConnectionManager manager) {
        Duration idle = manager.hasStreamIdleTimeout() ? manager.getStreamIdleTimeout() : ENVOY_STREAM_IDLE_TIMEOUT;
        return Durations.toMillis(idle) > 0 ? idle : NO_LIMIT;
    }

    private void backend(Config out, Cluster cluster) {
        String name = cluster.getName();
        String where = "cluster " + name;
        only(cluster, where, "name", "type", "lb_policy", "connect_timeout", "per_connection_buffer_limit_bytes",
                "load_assignment", "health_checks", "outlier_detection");
        if (cluster.getType() != Cluster.DiscoveryType.STRICT_DNS && cluster.getType() != Cluster.DiscoveryType.STATIC
                && cluster.getType() != Cluster.DiscoveryType.LOGICAL_DNS) {
            throw because(where, "type " + cluster.getType() + " has no HAProxy translation");
        }
        only(cluster.getLoadAssignment(), where + " load_assignment", "cluster_name", "endpoints");
        out.section("backend " + name);
        List<String> servers = instances.getOrDefault(name, List.of());
        out.line("# Envoy cluster " + name + ", its endpoints replaced by the instances given"
                + (servers.isEmpty() ? ": none, so Envoy's 503 for no healthy host" : ""));
        out.line("balance " + switch (cluster.getLbPolicy()) {
            case ROUND_ROBIN -> "roundrobin";
            // Envoy picks the less loaded of two random hosts; HAProxy the least loaded of all.
            case LEAST_REQUEST -> "leastconn";
            case RANDOM -> "random";
            default -> throw because(where, "lb_policy " + cluster.getLbPolicy() + " has no HAProxy translation");
        });
        out.line("timeout connect "
                + time(cluster.hasConnectTimeout() ? cluster.getConnectTimeout() : ENVOY_CONNECT_TIMEOUT));
        out.line("http-request set-timeout server var(txn.server_timeout) if { var(txn.server_timeout) -m found }");
        String server = healthCheck(out, cluster, where);
        for (int i = 0; i < servers.size(); i++) {
            out.line("server " + name + "-" + (i + 1) + " " + servers.get(i) + server);
        }
    }

    /** Writes the backend's health check and returns what each server line needs for it. */
    private static String healthCheck(Config out, Cluster cluster, String where) {
        if (cluster.getHealthChecksCount() == 0) {
            if (cluster.hasOutlierDetection()) {
                throw because(where, "outlier detection without a health check has no HAProxy translation");
            }
            return "";
        }
        if (cluster.getHealthChecksCount() > 1) {
            throw because(where, "more than one health check");
        }
        HealthCheck check = cluster.getHealthChecks(0);
        only(check, where + " health check", "timeout", "interval", "unhealthy_threshold", "healthy_threshold",
                "http_health_check");
        if (!check.hasHttpHealthCheck()) {
            throw because(where, "only HTTP health checks have an HAProxy translation");
        }
        var http = check.getHttpHealthCheck();
        only(http, where + " http_health_check", "path", "host");
        String host = http.getHost().isEmpty() ? cluster.getName() : http.getHost();
        if (!PREFIX.matcher(http.getPath()).matches() || !NAME.matcher(host).matches()) {
            throw because(where, "health check path or host has characters the translation does not quote");
        }
        out.line("timeout check " + time(check.getTimeout()));
        out.line("option httpchk");
        out.line("http-check send meth GET uri " + http.getPath() + " ver HTTP/1.1 hdr Host " + host);
        out.line("http-check expect status 200");
        String server = " check inter " + time(check.getInterval()) + " fall " + check.getUnhealthyThreshold().getValue()
                + " rise " + check.getHealthyThreshold().getValue();
        if (cluster.hasOutlierDetection()) {
            OutlierDetection outliers = cluster.getOutlierDetection();
            only(outliers, where + " outlier_detection", "consecutive_5xx", "consecutive_gateway_failure", "interval",
                    "base_ejection_time", "max_ejection_percent");
            int errors = outliers.hasConsecutive5Xx() ? outliers.getConsecutive5Xx().getValue() : 5;
            out.line("# Envoy's outlier detection, roughly: " + errors + " errors in a row take a server out until it");
            out.line("# passes its health checks again; no ejection time, no cap on how many are out.");
            server += " observe layer7 error-limit " + errors + " on-error mark-down";
        }
        return server;
    }

    private static String name(String kind, String name) {
        if (!NAME.matcher(name).matches()) {
            throw because(kind + " '" + name + "'", "an HAProxy name needs letters, digits, '-', '_' or '.'");
        }
        return name;
    }

    private static String address(String address) {
        if (!ADDRESS.matcher(address).matches()) {
            throw new IllegalArgumentException("not a host:port: " + address);
        }
        return address;
    }

    /** HAProxy's time format: seconds when whole, else milliseconds. */
    private static String time(Duration duration) {
        long millis = Durations.toMillis(duration);
        return millis % 1000 == 0 ? millis / 1000 + "s" : millis + "ms";
    }

    /** haproxy.cfg text: sections at the margin, their lines indented. */
    private static final class Config {
        private final StringBuilder text = new StringBuilder();

        void section(String header) {
            text.append('\n').append(header).append('\n');
        }

        void comment(String line) {
            text.append("# ").append(line).append('\n');
        }

        void line(String line) {
            text.append("    ").append(line).append('\n');
        }

        void lines(List<String> lines) {
            lines.forEach(this::line);
        }

        @Override
        public String toString() {
            return text.toString();
        }
    }

    private static final String USAGE = """
            usage: java -jar depot-envoy-exec.jar --envoy envoy.yaml --listen HOST:PORT
                   [--cluster NAME=HOST:PORT[,HOST:PORT...]]... [--stats HOST:PORT] [--out haproxy.cfg]
            Renders envoy.yaml as haproxy.cfg (HAProxy 2.6), each cluster served by the instances given for it
            (a cluster given none gets a backend with no servers). Without --out, writes to standard output.""";

    /** The command line; see {@link #USAGE}. */
    public static void main(String[] args) throws IOException {
        Map<String, List<String>> options = new LinkedHashMap<>();
        for (int i = 0; i < args.length; i++) {
            if (!args[i].startsWith("--") || i + 1 == args.length
                    || !Set.of("--envoy", "--listen", "--cluster", "--stats", "--out").contains(args[i])) {
                System.err.println("unexpected: " + args[i] + "\n" + USAGE);
                System.exit(2);
            }
            options.computeIfAbsent(args[i], k -> new ArrayList<>()).add(args[++i]);
        }
        if (!options.containsKey("--envoy") || !options.containsKey("--listen")) {
            System.err.println(USAGE);
            System.exit(2);
        }
        HaproxyConfig config = of(EnvoyConfig.load(Path.of(options.get("--envoy").get(0))))
                .listen(options.get("--listen").get(0));
        for (String cluster : options.getOrDefault("--cluster", List.of())) {
            String[] parts = cluster.split("=", 2);
            config.instances(parts[0], parts.length < 2 || parts[1].isEmpty() ? List.of()
                    : List.of(parts[1].split(",")));
        }
        if (options.containsKey("--stats")) {
            config.stats(options.get("--stats").get(0));
        }
        try {
            String text = config.render();
            if (options.containsKey("--out")) {
                Files.writeString(Path.of(options.get("--out").get(0)), text);
            } else {
                System.out.print(text);
            }
        } catch (IllegalArgumentException e) {
            System.err.println("no haproxy.cfg rendered: " + e.getMessage());
            System.exit(1);
        }
    }
}
