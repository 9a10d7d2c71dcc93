package io.depot.bench;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The benchmarks' user and admin signed in to the service under test, and the steps several benchmarks take. */
final class DepotSession {

    final DepotClient client;
    final String user;
    final String admin;
    private final Random random;

    private DepotSession(DepotClient client, String user, String admin, Random random) {
        this.client = client;
        this.user = user;
        this.admin = admin;
        this.random = random;
    }

    /** A session of {@code user} (and {@code admin}, or null) on the Depot {@code client} reaches. */
    static DepotSession of(DepotClient client, String user, String admin, Random random) {
        return new DepotSession(client, user, admin, random);
    }

    static DepotSession signIn(DepotService service, Random random) {
        DepotClient client = new DepotClient(service.port());
        String user = client.token("bench");
        String admin = client.post("/v1/dev/tokens", null, Map.of("user_id", "bench-admin", "roles", List.of("admin")))
                .expect(200).json().get("access_token").asText();
        return new DepotSession(client, user, admin, random);
    }

    /** Sends one part, numbered from 1; returns its ETag, or null when there is none to keep. */
    interface PartSender {
        String send(int number) throws Exception;
    }

    /** Sends parts 1 to {@code parts}, {@code parallel} at a time; returns the ETags by part number. */
    static Map<Integer, String> sendParts(int parts, int parallel, PartSender sender) throws Exception {
        Map<Integer, String> etags = new ConcurrentSkipListMap<>();
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int part = 1; part <= parts; part++) {
                int number = part;
                sent.add(pool.submit(() -> {
                    String etag = sender.send(number);
                    if (etag != null) {
                        etags.put(number, etag);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        return etags;
    }

    /** Runs the tasks, {@code parallel} at a time; returns their results in the tasks' order. */
    static <T> List<T> all(int parallel, List<Callable<T>> tasks) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(parallel);
        try {
            List<Future<T>> running = new ArrayList<>();
            for (Callable<T> task : tasks) {
                running.add(pool.submit(task));
            }
            List<T> results = new ArrayList<>();
            for (Future<T> f : running) {
                results.add(f.get());
            }
            return results;
        } finally {
            pool.shutdown();
        }
    }

    /** Sends every part of {@code data} through the service, {@code parallel} at a time. */
    void putParts(JsonNode upload, byte[] data, long partSize, int parallel) throws Exception {
        String uploadId = upload.get("upload_id").asText();
        sendParts(upload.get("part_count").asInt(), parallel, number -> {
            int offset = (int) ((number - 1) * partSize);
            putPart(uploadId, number, data, offset, (int) Math.min(partSize, data.length - offset));
            return null;
        });
    }

    void putPart(String uploadId, int number, byte[] data, int offset, int length) {
        client.put("/v1/uploads/" + uploadId + "/parts/" + number, user, data, offset, length).expect(200);
    }

    /** Initiate, presigned PUT and complete of one small file; returns the file's id. */
    String lifecycle(String name, byte[] body) {
        return lifecycle(user, name, "application/octet-stream", body);
    }

    /** The same, by the user of {@code token}, for a file of one part (up to the default part size, 8 MiB). */
    String lifecycle(String token, String name, String contentType, byte[] body) {
        JsonNode upload = client.post("/v1/uploads/initiate", token, Map.of("filename", name, "content_type",
                contentType, "size", body.length)).expect(201).json();
        Map<String, String> headers = new HashMap<>();
        upload.get("upload_headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        client.putUrl(client.http, upload.get("presigned_url").asText(), body, 0, body.length, headers);
        return client.post("/v1/uploads/" + upload.get("upload_id").asText() + "/complete", token, null).expect(200)
                .json().get("file_id").asText();
    }

    /** A 1 KiB file of random bytes, available to download; returns its id. */
    String smallFile(String name) throws InterruptedException {
        String fileId = lifecycle(name, randomBytes(1024));
        awaitAvailable(fileId);
        return fileId;
    }

    void awaitAvailable(String fileId) throws InterruptedException {
        awaitAvailable(user, fileId, 20);
    }

    /** Waits, asking every {@code pollMillis}, until the file of the user of {@code token} is available. */
    void awaitAvailable(String token, String fileId, long pollMillis) throws InterruptedException {
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            DepotClient.Reply r = client.get("/v1/files/" + fileId, token);
            if (r.status() == 200 && r.json().get("upload_status").asText().equals("available")) {
                return;
            }
            Thread.sleep(pollMillis);
        }
        throw new IllegalStateException("file " + fileId + " did not become available");
    }

    /** The file a completed upload became, once it is available. */
    String fileOf(String uploadId) throws InterruptedException {
        String fileId = client.get("/v1/uploads/" + uploadId, user).expect(200).json().get("file_id").asText();
        awaitAvailable(fileId);
        return fileId;
    }

    /** The SHA-256 (hexadecimal) of the file's newest version, as its download URL gives it. */
    String downloadSha256(String fileId) throws Exception {
        String url = client.get("/v1/files/" + fileId + "/download", user).expect(200).json().get("url").asText();
        HttpResponse<InputStream> r = client.http.send(HttpRequest.newBuilder(URI.create(url))
                .timeout(Duration.ofMinutes(5)).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        MessageDigest sha256 = MessageDigest.getInstance("SHA-256");
        try (InputStream in = r.body()) {
            if (r.statusCode() != 200) {
                throw new IllegalStateException("download answered " + r.statusCode());
            }
            byte[] buffer = new byte[1 << 20];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                sha256.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(sha256.digest());
    }

    static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }
}
