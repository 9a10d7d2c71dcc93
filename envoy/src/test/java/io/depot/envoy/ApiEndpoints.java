package io.depot.envoy;

import io.envoyproxy.envoy.config.route.v3.Route;

import java.util.List;
import java.util.Map;

/**
 * The endpoints of the README's API table, and the browser upload page's files, with the service that serves each, for
 * the tests of both balancers.
 */
final class ApiEndpoints {

    private ApiEndpoints() {
    }

    /** A request to send: {@code keyed} when it carries an {@code Idempotency-Key}; {@code service} serves it. */
    record Endpoint(String method, String path, boolean keyed, String service) {

        /** The route Envoy picks for this request. */
        Route route(List<Route> routes) {
            return EnvoyConfig.route(routes, method, path, keyed ? Map.of("idempotency-key", "k") : Map.of())
                    .orElseThrow(() -> new AssertionError("no route for " + this));
        }

        @Override
        public String toString() {
            return method + " " + path + (keyed ? " with Idempotency-Key" : "") + " -> " + service;
        }
    }

    static List<Endpoint> all() {
        return List.of(
                new Endpoint("POST", "/v1/uploads/initiate", false, "command"),
                new Endpoint("PUT", "/v1/uploads/u1/parts/1", false, "command"),
                new Endpoint("POST", "/v1/uploads/u1/parts/1", false, "command"),
                new Endpoint("GET", "/v1/uploads/u1", false, "command"),
                new Endpoint("GET", "/v1/uploads/u1/progress", false, "command"),
                new Endpoint("POST", "/v1/uploads/u1/complete", false, "command"),
                new Endpoint("DELETE", "/v1/uploads/u1", false, "command"),
                new Endpoint("OPTIONS", "/v1/tus/", false, "command"),
                new Endpoint("POST", "/v1/tus/", false, "command"),
                new Endpoint("HEAD", "/v1/tus/u1", false, "command"),
                new Endpoint("PATCH", "/v1/tus/u1", false, "command"),
                new Endpoint("DELETE", "/v1/tus/u1", false, "command"),
                new Endpoint("GET", "/v1/files/f1", false, "query"),
                new Endpoint("GET", "/v1/users/alice/files", false, "query"),
                new Endpoint("GET", "/v1/files/f1/download", false, "query"),
                new Endpoint("GET", "/v1/audit/downloads", false, "query"),
                new Endpoint("GET", "/v1/audit/downloads/verify", false, "query"),
                new Endpoint("GET", "/v1/audit/downloads/export", false, "query"),
                new Endpoint("DELETE", "/v1/files/f1", false, "command"),
                new Endpoint("GET", "/v1/files/f1/history", false, "query"),
                new Endpoint("GET", "/v1/files/f1/versions", false, "query"),
                new Endpoint("GET", "/v1/files/f1/versions/2", false, "query"),
                new Endpoint("GET", "/v1/files/f1/versions/2/download", false, "query"),
                new Endpoint("POST", "/v1/files/f1/versions/1/restore", false, "command"),
                new Endpoint("DELETE", "/v1/files/f1/versions/2", false, "command"),
                new Endpoint("PUT", "/v1/files/f1/versions/2/storage-class", false, "command"),
                new Endpoint("POST", "/v1/files/f1/versions/1/retrieval", false, "command"),
                new Endpoint("GET", "/v1/files/f1/renditions", false, "query"),
                new Endpoint("GET", "/v1/files/f1/renditions/128.jpg", false, "query"),
                new Endpoint("GET", "/v1/files/f1/renditions/128.jpg/download", false, "query"),
                new Endpoint("POST", "/v1/files/f1/transforms", false, "command"),
                new Endpoint("PUT", "/v1/files/f1/tags", false, "command"),
                new Endpoint("PATCH", "/v1/files/f1", false, "command"),
                new Endpoint("POST", "/v1/files/f1/shares", false, "command"),
                new Endpoint("GET", "/v1/files/f1/shares", false, "query"),
                new Endpoint("DELETE", "/v1/files/f1/shares/s1", false, "command"),
                new Endpoint("GET", "/v1/shares/t1", false, "command"),
                new Endpoint("GET", "/v1/shares/t1/download", false, "command"),
                new Endpoint("POST", "/v1/admin/reconcile-runs", false, "command"),
                new Endpoint("GET", "/v1/admin/reconcile-runs/r1", false, "query"),
                new Endpoint("GET", "/v1/admin/reconcile-runs", false, "query"),
                new Endpoint("POST", "/v1/uploads/initiate", true, "command"),
                new Endpoint("GET", "/", false, "command"),
                new Endpoint("GET", "/?from=bookmark", false, "command"),
                new Endpoint("GET", "/ui/app.js", false, "command"));
    }
}
