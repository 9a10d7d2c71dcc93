package io.depot.envoy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.util.JsonFormat;
import io.envoyproxy.envoy.config.bootstrap.v3.Bootstrap;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.access_loggers.stream.v3.StdoutAccessLog;
import io.envoyproxy.envoy.extensions.filters.http.router.v3.Router;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.retry.host.previous_hosts.v3.PreviousHostsPredicate;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

import static io.depot.envoy.Untranslated.only;

/**
 * Depot's {@code envoy.yaml} read the way Envoy reads it: YAML into Envoy's v3 {@link Bootstrap}, with every typed
 * config Depot uses registered, so a misspelled field, a wrong type or an unknown {@code @type} fails. Also the one
 * place that decides which route Envoy picks for a request, shared by the tests and by {@link HaproxyConfig}.
 */
public final class EnvoyConfig {

    private static final JsonFormat.TypeRegistry TYPES = JsonFormat.TypeRegistry.newBuilder()
            .add(HttpConnectionManager.getDescriptor())
            .add(Router.getDescriptor())
            .add(StdoutAccessLog.getDescriptor())
            .add(PreviousHostsPredicate.getDescriptor())
            .build();

    private EnvoyConfig() {
    }

    /** Reads an Envoy bootstrap file (YAML). */
    public static Bootstrap load(Path file) throws IOException {
        return parse(Files.readString(file));
    }

    /** Reads an Envoy bootstrap from YAML text; an unknown field, type or enum value is an exception naming it. */
    public static Bootstrap parse(String yaml) throws IOException {
        Object tree = new ObjectMapper(new YAMLFactory()).readValue(yaml, Object.class);
        String json = new ObjectMapper().writeValueAsString(tree);
        Bootstrap.Builder builder = Bootstrap.newBuilder();
        JsonFormat.parser().usingTypeRegistry(TYPES).merge(json, builder);
        return builder.build();
    }

    /** The HTTP connection manager of the bootstrap's one listener (Depot has one listener with one filter). */
    public static HttpConnectionManager connectionManager(Bootstrap bootstrap) {
        List<Listener> listeners = bootstrap.getStaticResources().getListenersList();
        if (listeners.size() != 1) {
            throw new IllegalArgumentException("expected one listener, found " + listeners.size());
        }
        Listener listener = listeners.get(0);
        if (listener.getFilterChainsCount() != 1) {
            throw new IllegalArgumentException("listener " + listener.getName() + ": expected one filter chain");
        }
        FilterChain chain = listener.getFilterChains(0);
        only(chain, "listener " + listener.getName() + " filter chain", "filters");
        if (chain.getFiltersCount() != 1) {
            throw new IllegalArgumentException("listener " + listener.getName() + ": expected one network filter");
        }
        Filter filter = chain.getFilters(0);
        only(filter, "listener " + listener.getName() + " filter " + filter.getName(), "name", "typed_config");
        return unpack(filter.getTypedConfig(), HttpConnectionManager.class);
    }

    /** A typed config as the type it must be; another type is an exception naming both. */
    static <T extends Message> T unpack(Any config, Class<T> type) {
        try {
            return config.unpack(type);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException(config.getTypeUrl() + " where a " + type.getSimpleName()
                    + " was expected", e);
        }
    }

    /** The routes of the one virtual host, in the order Envoy tries them. */
    public static List<Route> routes(Bootstrap bootstrap) {
        var config = connectionManager(bootstrap).getRouteConfig();
        only(config, "route_config " + config.getName(), "name", "virtual_hosts");
        if (config.getVirtualHostsCount() != 1) {
            throw new IllegalArgumentException("route_config " + config.getName() + ": expected one virtual host");
        }
        VirtualHost host = config.getVirtualHosts(0);
        only(host, "virtual host " + host.getName(), "name", "domains", "routes");
        if (!host.getDomainsList().equals(List.of("*"))) {
            throw new IllegalArgumentException("virtual host " + host.getName() + ": domains must be ['*'], not "
                    + host.getDomainsList());
        }
        return host.getRoutesList();
    }

    /**
     * The first route whose match holds for a request, as Envoy picks it: a path prefix or exact path and header
     * matchers, all of
     * which must hold. Header names are case-insensitive; the method is the {@code :method} pseudo-header. A matcher
     * this class does not evaluate is an exception naming its route, never a silent miss.
     */
    public static Optional<Route> route(List<Route> routes, String method, String path, Map<String, String> headers) {
        Map<String, String> request = new java.util.HashMap<>();
        headers.forEach((name, value) -> request.put(name.toLowerCase(Locale.ROOT), value));
        request.put(":method", method);
        return routes.stream().filter(r -> matches(r, path, request)).findFirst();
    }

    private static boolean matches(Route route, String path, Map<String, String> request) {
        RouteMatch match = route.getMatch();
        String where = "route " + route.getName();
        only(match, where + " match", "prefix", "path", "headers", "case_sensitive");
        boolean caseSensitive = !match.hasCaseSensitive() || match.getCaseSensitive().getValue();
        boolean pathHolds;
        if (match.hasPath()) {
            // Envoy compares an exact path with the query string removed.
            String exact = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
            pathHolds = caseSensitive ? exact.equals(match.getPath()) : exact.equalsIgnoreCase(match.getPath());
        } else {
            String prefix = match.getPrefix();
            pathHolds = caseSensitive ? path.startsWith(prefix)
                    : path.regionMatches(true, 0, prefix, 0, prefix.length());
        }
        return pathHolds && match.getHeadersList().stream().allMatch(h -> holds(where, h, request));
    }

    private static boolean holds(String where, HeaderMatcher matcher, Map<String, String> request) {
        only(matcher, where + " header " + matcher.getName(), "name", "present_match", "string_match", "invert_match");
        String value = request.get(matcher.getName().toLowerCase(Locale.ROOT));
        boolean holds;
        if (matcher.hasPresentMatch()) {
            holds = (value != null) == matcher.getPresentMatch();
        } else if (matcher.hasStringMatch()) {
            StringMatcher string = matcher.getStringMatch();
            only(string, where + " header " + matcher.getName() + " string_match", "exact", "safe_regex");
            if (value == null) {
                // Envoy: a string matcher never matches an absent header, inverted or not.
                return false;
            }
            holds = string.hasSafeRegex()
                    ? Pattern.compile(string.getSafeRegex().getRegex()).matcher(value).matches()
                    : string.getExact().equals(value);
        } else {
            throw new IllegalArgumentException(where + " header " + matcher.getName() + ": no present_match or string_match");
        }
        return holds != matcher.getInvertMatch();
    }
}
