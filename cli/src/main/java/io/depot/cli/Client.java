package io.depot.cli;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * Depot's API and presigned storage URLs over the JDK's HTTP client. A refusal (4xx) is a {@link Failure} with exit
 * code 2 naming the problem's {@code code} and {@code detail}; a connection failure or 5xx is tried again a few times
 * with backoff, then is exit code 3.
 */
final class Client {

    static final int ATTEMPTS = 4;
    private static final Duration FIRST_BACKOFF = Duration.ofMillis(250);

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;
    private final String token;

    Client(String base, String token) {
        this.base = base;
        this.token = token;
    }

    JsonNode get(String path) {
        return json(api(path).GET());
    }

    JsonNode post(String path, Object body) {
        return json(api(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : write(body))));
    }

    void delete(String path) {
        send(() -> api(path).DELETE(), HttpResponse.BodyHandlers.ofString());
    }

    /** Streams a part through the service. */
    void putPart(String path, long length, Supplier<InputStream> body) {
        send(() -> api(path).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), length)),
                HttpResponse.BodyHandlers.ofString());
    }

    /** PUTs to a presigned storage URL and answers storage's ETag. */
    String putUrl(String url, long length, Supplier<InputStream> body) {
        HttpResponse<String> response = send(() -> HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10))
                .PUT(HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(body), length)),
                HttpResponse.BodyHandlers.ofString());
        return response.headers().firstValue("ETag")
                .orElseThrow(() -> new Failure(Failure.UNAVAILABLE, "storage answered no ETag for a part"));
    }

    /** A GET of a storage URL from byte {@code from} on; the caller closes the body. */
    HttpResponse<InputStream> getFrom(String url, long from) {
        return send(() -> {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(10)).GET();
            return from > 0 ? request.header("Range", "bytes=" + from + "-") : request;
        }, HttpResponse.BodyHandlers.ofInputStream());
    }

    private HttpRequest.Builder api(String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(10));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private JsonNode json(HttpRequest.Builder request) {
        String body = send(() -> request, HttpResponse.BodyHandlers.ofString()).body();
        try {
            return body == null || body.isEmpty() ? Config.JSON.createObjectNode() : Config.JSON.readTree(body);
        } catch (IOException e) {
            throw new Failure(Failure.UNAVAILABLE, "Depot answered something other than JSON: " + body);
        }
    }

    private <T> HttpResponse<T> send(Supplier<HttpRequest.Builder> request, HttpResponse.BodyHandler<T> handler) {
        Failure last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            if (attempt > 0) {
                sleep(FIRST_BACKOFF.multipliedBy(1L << (attempt - 1)));
            }
            HttpRequest built = request.get().build();
            HttpResponse<T> response;
            try {
                response = http.send(built, handler);
            } catch (IOException e) {
                last = new Failure(Failure.UNAVAILABLE, "cannot reach " + built.uri().getHost() + ":"
                        + built.uri().getPort() + ": " + e, e);
                continue;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new Failure(Failure.UNAVAILABLE, "interrupted");
            }
            int status = response.statusCode();
            if (status < 400) {
                return response;
            }
            String body = text(response.body());
            if (status >= 500) {
                last = new Failure(Failure.UNAVAILABLE, problem(status, body));
                continue;
            }
            throw new Failure(Failure.REFUSED, problem(status, body));
        }
        throw last;
    }

    /** {@code code: detail} of a problem, or the status and body of anything else. */
    static String problem(int status, String body) {
        try {
            JsonNode problem = Config.JSON.readTree(body);
            if (problem != null && problem.hasNonNull("code")) {
                return problem.get("code").asText() + ": "
                        + (problem.hasNonNull("detail") ? problem.get("detail").asText() : "HTTP " + status);
            }
        } catch (IOException | RuntimeException e) {
            // not a problem document: fall through
        }
        return "HTTP " + status + (body.isBlank() ? "" : ": " + body.strip());
    }

    private static String text(Object body) {
        if (body instanceof String s) {
            return s;
        }
        if (body instanceof InputStream in) {
            try (in) {
                return new String(in.readNBytes(16 * 1024), java.nio.charset.StandardCharsets.UTF_8);
            } catch (IOException e) {
                return "";
            }
        }
        return "";
    }

    static String write(Object body) {
        try {
            return Config.JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Failure(Failure.UNAVAILABLE, "interrupted");
        }
    }
}
