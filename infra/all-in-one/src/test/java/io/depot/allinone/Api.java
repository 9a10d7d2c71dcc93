package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** A plain HTTP client for Depot's API and for presigned storage URLs, as any client would use them. */
final class Api {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10)).build();
    private final String base;

    Api(int port) {
        this.base = "http://127.0.0.1:" + port;
    }

    String token(String userId, String... roles) {
        Response r = post("/v1/dev/tokens", null, Map.of("user_id", userId, "roles", List.of(roles)));
        if (r.status() != 200) {
            throw new IllegalStateException("no token: " + r);
        }
        return r.json().get("access_token").asText();
    }

    Response get(String path, String token) {
        return send(request(path, token).GET());
    }

    Response get(String path, String token, Map<String, String> headers) {
        var builder = request(path, token).GET();
        headers.forEach(builder::header);
        return send(builder);
    }

    Response delete(String path, String token) {
        return send(request(path, token).DELETE());
    }

    Response post(String path, String token, Object body) {
        return postRaw(path, token, "application/json", body == null ? "" : write(body));
    }

    Response post(String path, String token, Object body, Map<String, String> headers) {
        var builder = request(path, token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : write(body)));
        headers.forEach(builder::header);
        return send(builder);
    }

    Response postRaw(String path, String token, String contentType, String body) {
        var builder = request(path, token).POST(HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder);
    }

    Response put(String path, String token, byte[] body) {
        return send(request(path, token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    /** A request with a JSON body and any method, as PUT and PATCH calls need. */
    Response json(String method, String path, String token, Object body) {
        return send(request(path, token).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(write(body))));
    }

    /** Any request to Depot, with exactly the headers given. */
    Response send(String method, String path, Map<String, String> headers, HttpRequest.BodyPublisher body) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2)).method(method, body);
        headers.forEach(builder::header);
        return send(builder);
    }

    /** A PUT to a presigned URL, with nothing but the headers it names. */
    Response putUrl(String url, byte[] body, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(builder::header);
        return send(builder);
    }

    HttpResponse<byte[]> getUrl(String url, Map<String, String> headers) {
        var builder = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofMinutes(2)).GET();
        headers.forEach(builder::header);
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Waits until the file's newest version is available, then downloads it through a presigned URL. */
    byte[] downloadWhenAvailable(String token, String fileId) {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
            Response file = get("/v1/files/" + fileId, token);
            return file.status() == 200 && file.json().get("upload_status").asText().equals("available");
        });
        Response download = get("/v1/files/" + fileId + "/download", token);
        org.assertj.core.api.Assertions.assertThat(download.status()).as(download.body()).isEqualTo(200);
        HttpResponse<byte[]> bytes = getUrl(download.json().get("url").asText(), Map.of());
        org.assertj.core.api.Assertions.assertThat(bytes.statusCode()).isEqualTo(200);
        return bytes.body();
    }

    private HttpRequest.Builder request(String path, String token) {
        var builder = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofMinutes(2));
        if (token != null) {
            builder.header("Authorization", "Bearer " + token);
        }
        return builder;
    }

    private Response send(HttpRequest.Builder builder) {
        try {
            HttpResponse<String> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
            return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body(), response.headers().map());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String write(Object body) {
        try {
            return JSON.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    record Response(int status, String contentType, String body, Map<String, java.util.List<String>> headers) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw new UncheckedIOException("not JSON: " + body, e);
            }
        }

        boolean isProblem() {
            return contentType.startsWith("application/problem+json");
        }
    }
}
