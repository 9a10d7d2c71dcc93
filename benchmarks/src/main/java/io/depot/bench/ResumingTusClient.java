package io.depot.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * A tus 1.0 client that resumes the way the protocol means it to: a PATCH cut by the network is followed by a HEAD,
 * and the next PATCH starts at the {@code Upload-Offset} the server answers, not at the start of the chunk. Every
 * request goes on a connection of its own, so that a proxy that cuts connections has a chance to cut each PATCH.
 */
final class ResumingTusClient {

    private static final Duration TIMEOUT = Duration.ofMinutes(5);
    private static final Duration PAUSE = Duration.ofMillis(200);
    private static final int MAX_ATTEMPTS = 1000;

    private final URI endpoint;
    private final String token;

    /**
     * What one upload took: its URL, the PATCHes sent, how many of them the network cut, how many were refused, and
     * the bytes of the cut PATCHes that the server kept (its offset after each cut, less the offset the PATCH began at).
     */
    record Result(URI upload, int patches, int cut, int refused, long keptOfCut) {
    }

    ResumingTusClient(URI endpoint, String token) {
        this.endpoint = endpoint;
        this.token = token;
    }

    /**
     * Uploads {@code data} in PATCHes of at most {@code chunkSize} bytes, each from the offset the server last
     * acknowledged or, after a cut, answered to a HEAD.
     */
    Result upload(String filename, byte[] data, long chunkSize) throws IOException, InterruptedException {
        String name = Base64.getEncoder().encodeToString(filename.getBytes(StandardCharsets.UTF_8));
        String type = Base64.getEncoder().encodeToString("application/octet-stream".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> created = retried(request(endpoint)
                .header("Upload-Length", Integer.toString(data.length))
                .header("Upload-Metadata", "filename " + name + ",filetype " + type)
                .POST(HttpRequest.BodyPublishers.noBody()));
        expect(created, 201);
        URI upload = endpoint.resolve(created.headers().firstValue("Location")
                .orElseThrow(() -> new IllegalStateException("creation answered 201 without a Location")));
        long offset = 0;
        int patches = 0;
        int cut = 0;
        int refused = 0;
        long keptOfCut = 0;
        while (offset < data.length) {
            if (patches >= MAX_ATTEMPTS) {
                throw new IllegalStateException("gave up after " + patches + " PATCHes at offset " + offset);
            }
            int n = (int) Math.min(chunkSize, data.length - offset);
            patches++;
            HttpResponse<String> patched;
            try {
                patched = fresh().send(request(upload)
                        .header("Content-Type", "application/offset+octet-stream")
                        .header("Upload-Offset", Long.toString(offset))
                        .method("PATCH", TusClient.slice(data, (int) offset, n)).build(),
                        HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                cut++;
                long resumeAt = offset(upload);
                keptOfCut += resumeAt - offset;
                offset = resumeAt;
                continue;
            }
            if (patched.statusCode() == 409 || patched.statusCode() == 423) {
                // Another write still holds the upload, or the offset moved: ask again where it stands.
                refused++;
                Thread.sleep(PAUSE.toMillis());
                offset = offset(upload);
                continue;
            }
            expect(patched, 204);
            long acknowledged = patched.headers().firstValueAsLong("Upload-Offset").orElse(-1);
            if (acknowledged != offset + n) {
                throw new IllegalStateException("PATCH at " + offset + " of " + n + " bytes answered Upload-Offset "
                        + acknowledged);
            }
            offset = acknowledged;
        }
        return new Result(upload, patches, cut, refused, keptOfCut);
    }

    /** The server's offset, from a HEAD (sent again if the network cuts it too). */
    private long offset(URI upload) throws IOException, InterruptedException {
        HttpResponse<String> head = retried(request(upload).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        expect(head, 200);
        return head.headers().firstValueAsLong("Upload-Offset")
                .orElseThrow(() -> new IllegalStateException("HEAD answered without Upload-Offset"));
    }

    private HttpResponse<String> retried(HttpRequest.Builder request) throws IOException, InterruptedException {
        IOException last = null;
        for (int attempt = 0; attempt < 20; attempt++) {
            try {
                return fresh().send(request.build(), HttpResponse.BodyHandlers.ofString());
            } catch (IOException e) {
                last = e;
                Thread.sleep(PAUSE.toMillis());
            }
        }
        throw last;
    }

    private HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(TIMEOUT)
                .header("Tus-Resumable", TusClient.TUS_VERSION)
                .header("Authorization", "Bearer " + token);
    }

    /** A client of its own per request: a new connection, which the proxy may cut. */
    private static HttpClient fresh() {
        return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    private static void expect(HttpResponse<String> response, int status) {
        if (response.statusCode() != status) {
            throw new IllegalStateException(response.request().method() + " " + response.request().uri()
                    + " answered " + response.statusCode() + " (expected " + status + "): " + response.body());
        }
    }
}
