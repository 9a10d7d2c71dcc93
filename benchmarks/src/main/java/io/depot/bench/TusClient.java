package io.depot.bench;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * The tus 1.0 protocol as the benchmark's client of a tus server (the peer in benchmarks/tus, or Depot's own) speaks
 * it: the creation extension, then core PATCHes. Nothing else (no HEAD, no resume): a failed request ends the upload;
 * {@link ResumingTusClient} resumes.
 */
final class TusClient {

    static final String TUS_VERSION = "1.0.0";
    static final Duration TIMEOUT = Duration.ofMinutes(10);

    private TusClient() {
    }

    /**
     * Uploads {@code data[offset, offset + length)} in PATCHes of at most {@code chunkSize} bytes (as large as the
     * whole file for one PATCH) and returns the upload's URL.
     */
    static String upload(HttpClient http, URI endpoint, byte[] data, int offset, int length, long chunkSize) {
        return upload(http, endpoint, null, data, offset, length, chunkSize);
    }

    /** The same, with a bearer {@code token} on every request when not null (Depot's tus endpoint asks for one). */
    static String upload(HttpClient http, URI endpoint, String token, byte[] data, int offset, int length,
                         long chunkSize) {
        if (chunkSize <= 0) {
            throw new IllegalArgumentException("chunkSize must be positive: " + chunkSize);
        }
        String filename = Base64.getEncoder()
                .encodeToString(("bench-" + length + ".bin").getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = send(http, request(endpoint, token)
                .header("Upload-Length", Integer.toString(length))
                .header("Upload-Metadata", "filename " + filename)
                .POST(HttpRequest.BodyPublishers.noBody()), 201);
        URI upload = endpoint.resolve(created.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("creation answered 201 without a Location")));
        long sent = 0;
        // At least one PATCH: @tus/s3-store completes its multipart upload only in a PATCH, even for 0 bytes.
        do {
            int n = (int) Math.min(chunkSize, length - sent);
            HttpResponse<String> patched = send(http, request(upload, token)
                    .header("Content-Type", "application/offset+octet-stream")
                    .header("Upload-Offset", Long.toString(sent))
                    .method("PATCH", slice(data, offset + (int) sent, n)), 204);
            long acknowledged = patched.headers().firstValueAsLong("Upload-Offset").orElse(-1);
            if (acknowledged != sent + n) {
                throw new IllegalStateException("PATCH at " + sent + " of " + n + " bytes answered Upload-Offset "
                        + acknowledged);
            }
            sent = acknowledged;
        } while (sent < length);
        return upload.toString();
    }

    private static HttpRequest.Builder request(URI uri, String token) {
        HttpRequest.Builder request = HttpRequest.newBuilder(uri).header("Tus-Resumable", TUS_VERSION);
        return token == null ? request : request.header("Authorization", "Bearer " + token);
    }

    /**
     * Streams the slice 16 KiB at a time. Not {@code BodyPublishers.ofByteArray}: it copies the whole slice when
     * subscribed, which can happen before the request headers are written; copying 1 GiB under load outlasted Node's
     * 5 s keep-alive timeout on the pooled connection (the client saw "header parser received no bytes").
     */
    static HttpRequest.BodyPublisher slice(byte[] data, int offset, int length) {
        return length == 0 ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.fromPublisher(
                HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(data, offset, length)), length);
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest.Builder request, int expected) {
        try {
            HttpResponse<String> r = http.send(request.timeout(TIMEOUT).build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != expected) {
                throw new IllegalStateException("tus answered " + r.statusCode() + " (expected " + expected + "): "
                        + r.body());
            }
            return r;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
