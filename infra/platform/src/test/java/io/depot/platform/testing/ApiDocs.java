package io.depot.platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.context.ApplicationContext;
import org.springframework.http.HttpMethod;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.reactive.function.server.HandlerFunction;
import org.springframework.web.reactive.function.server.RequestPredicate;
import org.springframework.web.reactive.function.server.RequestPredicates;
import org.springframework.web.reactive.function.server.RouterFunction;
import org.springframework.web.reactive.function.server.RouterFunctions;
import org.springframework.web.reactive.function.server.ServerRequest;
import org.springframework.web.reactive.result.method.RequestMappingInfo;
import org.springframework.web.reactive.result.method.RequestMappingInfoHandlerMapping;
import org.springframework.core.io.Resource;
import reactor.core.publisher.Mono;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A service's OpenAPI document against the endpoints it really maps: every annotated handler method (Depot's
 * controllers and the actuator's health) and every functional route, springdoc's own endpoints aside. Derived from
 * the running application, so an endpoint added tomorrow is checked without a list to keep.
 */
public final class ApiDocs {

    public static final String PATH = "/v3/api-docs";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern VARIABLE = Pattern.compile("\\{\\*?([^}:]+)(:[^}]*)?}");
    private static final Set<String> DOCUMENTED_METHODS = Set.of("get", "put", "post", "delete", "options", "head",
            "patch", "trace");

    private ApiDocs() {
    }

    /** A call as a method and a path template whose variables carry their names only. */
    public record Endpoint(String method, String path) implements Comparable<Endpoint> {

        public Endpoint {
            method = method.toUpperCase(Locale.ROOT);
            path = VARIABLE.matcher(path).replaceAll("{$1}");
        }

        @Override
        public int compareTo(Endpoint other) {
            return toString().compareTo(other.toString());
        }

        @Override
        public String toString() {
            return method + " " + path;
        }
    }

    /** The service's document, fetched as any client would, without a token. */
    public static JsonNode fetch(int port) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + PATH))
                .timeout(Duration.ofSeconds(60)).GET().build();
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
            assertThat(response.headers().firstValue("Content-Type")).get().asString().startsWith("application/json");
            return JSON.readTree(response.body());
        } catch (IOException e) {
            throw new IllegalStateException("cannot fetch " + PATH, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every (method, path) the document describes. */
    public static Set<Endpoint> documented(JsonNode document) {
        Set<Endpoint> endpoints = new TreeSet<>();
        document.path("paths").fields().forEachRemaining(path -> path.getValue().fieldNames().forEachRemaining(key -> {
            if (DOCUMENTED_METHODS.contains(key)) {
                endpoints.add(new Endpoint(key, path.getKey()));
            }
        }));
        return endpoints;
    }

    /** Every (method, path) the application maps, springdoc's own aside. */
    public static Set<Endpoint> mapped(ApplicationContext context) {
        Set<Endpoint> endpoints = new TreeSet<>();
        for (RequestMappingInfoHandlerMapping mapping : context.getBeansOfType(RequestMappingInfoHandlerMapping.class).values()) {
            for (Map.Entry<RequestMappingInfo, HandlerMethod> handler : mapping.getHandlerMethods().entrySet()) {
                if (handler.getValue().getBeanType().getPackageName().startsWith("org.springdoc")) {
                    continue;
                }
                Set<RequestMethod> methods = handler.getKey().getMethodsCondition().getMethods();
                for (RequestMethod method : methods.isEmpty() ? Set.of(RequestMethod.values()) : methods) {
                    for (String path : handler.getKey().getPatternsCondition().getPatterns().stream()
                            .map(Object::toString).toList()) {
                        endpoints.add(new Endpoint(method.name(), path));
                    }
                }
            }
        }
        for (RouterFunction<?> routes : context.getBeansOfType(RouterFunction.class).values()) {
            if (!routes.getClass().getName().startsWith("org.springdoc")) {
                Routes visitor = new Routes();
                routes.accept(visitor);
                endpoints.addAll(visitor.endpoints);
            }
        }
        return endpoints;
    }

    /** Fails naming every endpoint mapped but not described, and every one described but not mapped. */
    public static void assertDescribesExactly(Set<Endpoint> documented, Set<Endpoint> mapped) {
        Set<Endpoint> undocumented = new TreeSet<>(mapped);
        undocumented.removeAll(documented);
        Set<Endpoint> unmapped = new TreeSet<>(documented);
        unmapped.removeAll(mapped);
        assertThat(List.of(undocumented, unmapped))
                .as("mapped but not in %s, then in %s but not mapped", PATH, PATH)
                .containsExactly(Set.of(), Set.of());
    }

    /**
     * Functional routes, flattened: each route's methods (all when it names none) times its paths under those of the
     * routes it is nested in.
     */
    private static final class Routes implements RouterFunctions.Visitor {

        final Set<Endpoint> endpoints = new TreeSet<>();
        private final Deque<String> prefixes = new ArrayDeque<>();

        @Override
        public void startNested(RequestPredicate predicate) {
            Conditions conditions = Conditions.of(predicate);
            prefixes.push(prefix() + (conditions.paths.isEmpty() ? "" : conditions.paths.get(0)));
        }

        @Override
        public void endNested(RequestPredicate predicate) {
            prefixes.pop();
        }

        @Override
        public void route(RequestPredicate predicate, HandlerFunction<?> handler) {
            Conditions conditions = Conditions.of(predicate);
            List<String> methods = conditions.methods.isEmpty()
                    ? Arrays.stream(HttpMethod.values()).map(HttpMethod::name).toList() : conditions.methods;
            List<String> paths = conditions.paths.isEmpty() ? List.of("") : conditions.paths;
            for (String method : methods) {
                for (String path : paths) {
                    endpoints.add(new Endpoint(method, prefix() + path));
                }
            }
        }

        @Override
        public void resources(Function<ServerRequest, Mono<Resource>> lookup) {
        }

        @Override
        public void attributes(Map<String, Object> attributes) {
        }

        @Override
        public void unknown(RouterFunction<?> routes) {
        }

        private String prefix() {
            Iterator<String> innermost = prefixes.iterator();
            return innermost.hasNext() ? innermost.next() : "";
        }
    }

    /** The methods and paths a route's predicate names, wherever they are in it. */
    private static final class Conditions implements RequestPredicates.Visitor {

        final List<String> methods = new ArrayList<>();
        final List<String> paths = new ArrayList<>();

        static Conditions of(RequestPredicate predicate) {
            Conditions conditions = new Conditions();
            predicate.accept(conditions);
            return conditions;
        }

        @Override
        public void method(Set<HttpMethod> methods) {
            methods.forEach(method -> this.methods.add(method.name()));
        }

        @Override
        public void path(String pattern) {
            paths.add(pattern);
        }

        @Override
        public void pathExtension(String extension) {
        }

        @Override
        public void header(String name, String value) {
        }

        @Override
        public void queryParam(String name, String value) {
        }

        @Override
        public void startAnd() {
        }

        @Override
        public void and() {
        }

        @Override
        public void endAnd() {
        }

        @Override
        public void startOr() {
        }

        @Override
        public void or() {
        }

        @Override
        public void endOr() {
        }

        @Override
        public void startNegate() {
        }

        @Override
        public void endNegate() {
        }

        @Override
        public void unknown(RequestPredicate predicate) {
        }
    }
}
