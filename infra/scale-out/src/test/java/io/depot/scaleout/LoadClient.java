package io.depot.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One client of the live scale-out test: uploads files of its own one after another through the balancer, as the
 * README tells a client to, and downloads each back. Half of the clients put their parts to storage through
 * presigned URLs, half stream them through the command service. A request that fails for a reason a retry can
 * mend (no answer, a 5xx, a 429, a keyed request still running on an instance that died) is sent again, with the
 * same {@code Idempotency-Key}, until {@link #OPERATION_DEADLINE}; anything else fails the upload.
 */
final class LoadClient implements Runnable {

    static final long PART_SIZE = 5L * 1024 * 1024;
    static final Duration OPERATION_DEADLINE = Duration.ofSeconds(150);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** An upload that completed, was downloaded whole and matched its SHA-256. */
    record Upload(String user, String uploadId, String fileId, String filename, long size, String sha256,
                  boolean throughService) {
    }

    private final int number;
    private final String user;
    private final String token;
    private final URI balancer;
    private final boolean throughService;
    private final AtomicBoolean stop;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();
    private final Random random;

    final List<Upload> uploads = new CopyOnWriteArrayList<>();
    final List<String> failures = new CopyOnWriteArrayList<>();
    final AtomicInteger retries = new AtomicInteger();
    final AtomicInteger inFlight = new AtomicInteger();
    /** The longest a single operation spent retrying before it succeeded. */
    volatile long longestRetryMillis;

    LoadClient(int number, String user, String token, URI balancer, boolean throughService, AtomicBoolean stop) {
        this.number = number;
        this.user = user;
        this.token = token;
        this.balancer = balancer;
        this.throughService = throughService;
        this.stop = stop;
        this.random = new Random(number);
    }

    @Override
    public void run() {
        int n = 0;
        while (!stop.get()) {
            n++;
            String filename = "client-" + number + "-" + n + ".bin";
            inFlight.incrementAndGet();
            try {
                uploads.add(uploadAndDownload(filename));
            } catch (Exception | AssertionError e) {
                failures.add(filename + ": " + e);
            } finally {
                inFlight.decrementAndGet();
            }
        }
    }

    private Upload uploadAndDownload(String filename) throws Exception {
        boolean multipart = throughService || random.nextBoolean();
        long size = multipart ? PART_SIZE + 1 + random.nextInt(1024 * 1024) : 1 + random.nextInt(512 * 1024);
        byte[] content = new byte[(int) size];
        random.nextBytes(content);
        String sha256 = sha256(content);

        JsonNode initiated = send("initiate", () -> json("POST", "/v1/uploads/initiate", Map.of(
                "filename", filename, "content_type", "application/octet-stream", "size", size,
                "part_size", PART_SIZE, "sha256", sha256)), UUID.randomUUID().toString(), 201);
        String uploadId = initiated.get("upload_id").asText();
        if (!multipart) {
            putToStorage(URI.create(initiated.get("presigned_url").asText()), content, 0, content.length);
        } else {
            int parts = initiated.get("part_count").asInt();
            for (int n = 1; n <= parts; n++) {
                int part = n;
                int from = (int) ((part - 1) * PART_SIZE);
                int to = (int) Math.min(size, part * PART_SIZE);
                if (throughService) {
                    byte[] body = Arrays.copyOfRange(content, from, to);
                    send("part " + part, () -> request("/v1/uploads/" + uploadId + "/parts/" + part)
                            .header("Content-Type", "application/octet-stream")
                            .PUT(HttpRequest.BodyPublishers.ofByteArray(body)), null, 200, 201);
                } else {
                    String etag = putToStorage(URI.create(initiated.get("presigned_urls").get(part - 1).asText()),
                            content, from, to);
                    send("report part " + part, () -> json("POST", "/v1/uploads/" + uploadId + "/parts/" + part,
                            Map.of("etag", etag)), UUID.randomUUID().toString(), 200, 201);
                }
            }
        }
        JsonNode completed = send("complete", () -> json("POST", "/v1/uploads/" + uploadId + "/complete", Map.of()),
                UUID.randomUUID().toString(), 200, 201);
        String fileId = completed.get("file_id").asText();

        long waitUntil = System.nanoTime() + OPERATION_DEADLINE.toNanos();
        while (true) {
            HttpResponse<String> file = attempt(() -> request("/v1/files/" + fileId).GET(), null);
            if (file != null && file.statusCode() == 200
                    && "available".equals(JSON.readTree(file.body()).path("upload_status").asText())) {
                break;
            }
            if (System.nanoTime() > waitUntil) {
                throw new AssertionError(filename + " did not become available: "
                        + (file == null ? "no answer" : file.statusCode() + " " + file.body()));
            }
            Thread.sleep(200);
        }
        JsonNode download = send("download", () -> request("/v1/files/" + fileId + "/download").GET(), null, 200);
        HttpResponse<byte[]> bytes = http.send(HttpRequest.newBuilder(URI.create(download.get("url").asText()))
                .timeout(Duration.ofSeconds(60)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
        if (bytes.statusCode() != 200 || !sha256(bytes.body()).equals(sha256)) {
            throw new AssertionError(filename + ": downloaded " + bytes.statusCode() + ", "
                    + bytes.body().length + " bytes, SHA-256 " + sha256(bytes.body()) + " instead of " + sha256);
        }
        return new Upload(user, uploadId, fileId, filename, size, sha256, throughService);
    }

    /** PUTs a range of the content to a presigned URL (storage itself is never killed) and returns the ETag. */
    private String putToStorage(URI url, byte[] content, int from, int to) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(60))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content, from, to - from)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new AssertionError("storage refused a presigned PUT: " + response.statusCode() + " " + response.body());
        }
        return response.headers().firstValue("ETag").orElseThrow();
    }

    private HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(balancer.resolve(path)).timeout(Duration.ofSeconds(60))
                .header("Authorization", "Bearer " + token);
    }

    private HttpRequest.Builder json(String method, String path, Map<String, Object> body) {
        try {
            return request(path).header("Content-Type", "application/json")
                    .method(method, HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Sends until the answer is one of {@code expected}, retrying what a retry can mend; a keyed request is resent
     * with the same key.
     */
    private JsonNode send(String what, Supplier<HttpRequest.Builder> request, String idempotencyKey, int... expected)
            throws Exception {
        long started = System.nanoTime();
        long deadline = started + OPERATION_DEADLINE.toNanos();
        String last = "no answer";
        int attempts = 0;
        while (System.nanoTime() < deadline) {
            if (attempts++ > 0) {
                retries.incrementAndGet();
                Thread.sleep(Math.min(2000, 100L * attempts));
            }
            HttpResponse<String> response = attempt(request, idempotencyKey);
            if (response == null) {
                last = "no answer";
                continue;
            }
            int status = response.statusCode();
            if (Arrays.stream(expected).anyMatch(e -> e == status)) {
                if (attempts > 1) {
                    longestRetryMillis = Math.max(longestRetryMillis, (System.nanoTime() - started) / 1_000_000);
                }
                return response.body().isEmpty() ? JSON.createObjectNode() : JSON.readTree(response.body());
            }
            last = status + " " + response.body();
            boolean keyStillRunning = status == 409 && response.body().contains("idempotency-key-in-progress");
            if (status < 500 && status != 429 && !keyStillRunning) {
                throw new AssertionError(what + " refused: " + last);
            }
        }
        throw new AssertionError(what + " did not succeed within " + OPERATION_DEADLINE + ": " + last);
    }

    /** One attempt; null when no answer came (connection refused or reset, timeout). */
    private HttpResponse<String> attempt(Supplier<HttpRequest.Builder> request, String idempotencyKey) {
        HttpRequest.Builder builder = request.get();
        if (idempotencyKey != null) {
            builder.header("Idempotency-Key", idempotencyKey);
        }
        try {
            return http.send(builder.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
