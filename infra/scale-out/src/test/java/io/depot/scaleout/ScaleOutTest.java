package io.depot.scaleout;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.depot.platform.testing.TestPostgres;
import io.depot.platform.testing.TestRedis;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.IntSupplier;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Scale-out, live: two command services, two query services and one workers service, each a JVM of its own, behind
 * HAProxy configured from envoy/envoy.yaml's route table, on PostgreSQL, Redis and the stand-in stores process,
 * all started by {@code infra/local/depot-topology} as the README tells a user to. Eight clients upload (half through
 * presigned URLs, half through the service) and download through the balancer while one command service and one
 * query service are killed with SIGKILL and restarted, and then the other two are drained with SIGTERM.
 * Every client upload must complete, every download must match its SHA-256, no upload may make a second version,
 * no multipart upload may stay open, and the read models must agree with the event store file by file. Past the
 * balancer, straight to the instances: a part streaming through a command service when it is drained is stored and
 * recorded; an initiate retried with its key on the other command service is answered once; and completes of one
 * upload sent to both command services at the same moment make one version.
 */
class ScaleOutTest {

    private static final int CLIENTS = 8;
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void clientUploadsSurviveInstancesKilledAndDrainedUnderLoad() throws Exception {
        String jdbcUrl = TestPostgres.schemaUrl();
        long started = System.nanoTime();
        List<String> report = new ArrayList<>();
        try (Topology topology = Topology.start(dir, jdbcUrl, TestPostgres.user(), TestPostgres.password(),
                TestRedis.url())) {
            report.add(String.format("topology up in %.1f s", seconds(started)));
            URI balancer = URI.create("http://127.0.0.1:" + topology.balancerPort());
            AtomicBoolean stop = new AtomicBoolean();
            List<LoadClient> clients = new ArrayList<>();
            for (int i = 0; i < CLIENTS; i++) {
                String user = "scale-" + i;
                clients.add(new LoadClient(i, user, topology.token(user), balancer, i % 2 == 0, stop));
            }
            ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
            clients.forEach(pool::execute);
            IntSupplier done = () -> clients.stream().mapToInt(c -> c.uploads.size() + c.failures.size()).sum();

            awaitMore(done, CLIENTS);
            assertThat(clients.stream().mapToInt(c -> c.inFlight.get()).sum()).as("clients mid-upload").isPositive();
            long kill = System.nanoTime();
            topology.kill("command-api-1");
            topology.kill("query-api-1");
            report.add("SIGKILL command-api-1 and query-api-1 with " + done.getAsInt() + " uploads done");
            awaitMore(done, CLIENTS / 2);
            report.add(String.format("%d more uploads done %.1f s after the kill, on the survivors",
                    CLIENTS / 2, seconds(kill)));
            long restart = System.nanoTime();
            inParallel(topology::restart, "command-api-1", "query-api-1");
            report.add(String.format("restarted both, ready in %.1f s", seconds(restart)));
            LoadClient.Upload raced = keyOnBothInstancesAndRacingCompletes(topology, jdbcUrl);
            LoadClient.Upload tus = tusWrittenThroughBothInstances(topology, jdbcUrl);

            awaitMore(done, CLIENTS / 2);
            assertThat(clients.stream().mapToInt(c -> c.inFlight.get()).sum()).as("clients mid-upload").isPositive();
            // A part streaming through command-api-2 when it is told to stop must still be stored and recorded.
            Instance viaBalancer = new Instance(balancer, topology.token("drain"));
            byte[] drained = new byte[(int) LoadClient.PART_SIZE + 1000];
            new java.util.Random(7).nextBytes(drained);
            JsonNode drainedUpload = viaBalancer.post("/v1/uploads/initiate", Map.of("filename", "drained.bin",
                    "content_type", "application/octet-stream", "size", drained.length, "part_size",
                    LoadClient.PART_SIZE, "sha256", LoadClient.sha256(drained)), UUID.randomUUID().toString()).json();
            String drainedId = drainedUpload.get("upload_id").asText();
            CountDownLatch sending = new CountDownLatch(1);
            CompletableFuture<Instance.Answer> inFlight = CompletableFuture.supplyAsync(() ->
                    Instance.at(topology.commandPort(2), viaBalancer.token()).putSlowly("/v1/uploads/" + drainedId
                            + "/parts/1", Arrays.copyOf(drained, (int) LoadClient.PART_SIZE), Duration.ofSeconds(10), sending));
            assertThat(sending.await(30, TimeUnit.SECONDS)).isTrue();
            long drain = System.nanoTime();
            inParallel(name -> topology.drain(name), "command-api-2", "query-api-2");
            report.add(String.format("drained command-api-2 and query-api-2 (SIGTERM) in %.1f s", seconds(drain)));
            Instance.Answer part = inFlight.join();
            assertThat(part.status()).as("the part streaming through the drained instance: %s", part.body())
                    .isEqualTo(200);
            // The rest runs on the restarted instances alone.
            awaitMore(done, CLIENTS);

            stop.set(true);
            pool.shutdown();
            assertThat(pool.awaitTermination(5, TimeUnit.MINUTES)).as("clients finished their last uploads").isTrue();

            List<LoadClient.Upload> uploads = new ArrayList<>(clients.stream().flatMap(c -> c.uploads.stream()).toList());
            uploads.add(finish(viaBalancer, "drain", "drained.bin", drainedUpload, drained, 2));
            uploads.add(raced);
            uploads.add(tus);
            List<String> failures = clients.stream().flatMap(c -> c.failures.stream()).toList();
            int retries = clients.stream().mapToInt(c -> c.retries.get()).sum();
            long longestRetry = clients.stream().mapToLong(c -> c.longestRetryMillis).max().orElse(0);
            report.add(String.format("%d uploads (%d through the service, %d presigned), %d failed; %d retries seen by"
                            + " clients, the longest operation retried for %.1f s",
                    uploads.size(), uploads.stream().filter(LoadClient.Upload::throughService).count(),
                    uploads.stream().filter(u -> !u.throughService()).count(), failures.size(), retries,
                    longestRetry / 1000.0));
            report.forEach(line -> System.out.println("scale-out: " + line));

            assertThat(failures).as("failed client uploads").isEmpty();
            assertThat(uploads).hasSizeGreaterThanOrEqualTo(3 * CLIENTS);
            assertOneVersionPerUpload(jdbcUrl, uploads);
            assertReadModelsAgreeWithEventStore(jdbcUrl, balancer, topology, uploads);
            assertNoMultipartUploadOpen(topology);
            report.add(String.format("checked in %.1f s in all", seconds(started)));
            System.out.println("scale-out: " + report.get(report.size() - 1));
        }
    }

    /** Puts the parts from {@code fromPart} on through the balancer, completes, and downloads the file back whole. */
    private static LoadClient.Upload finish(Instance api, String user, String filename, JsonNode upload, byte[] content,
                                            int fromPart) throws Exception {
        String uploadId = upload.get("upload_id").asText();
        int parts = upload.path("part_count").asInt(1);
        for (int part = fromPart; part <= parts; part++) {
            byte[] body = Arrays.copyOfRange(content, (int) ((part - 1) * LoadClient.PART_SIZE),
                    (int) Math.min(content.length, part * LoadClient.PART_SIZE));
            assertThat(api.put("/v1/uploads/" + uploadId + "/parts/" + part, body).status()).isEqualTo(200);
        }
        Instance.Answer completed = api.post("/v1/uploads/" + uploadId + "/complete", Map.of(), UUID.randomUUID().toString());
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
        String fileId = completed.json().get("file_id").asText();
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Instance.Answer file = api.get("/v1/files/" + fileId);
            return file.status() == 200 && file.json().get("upload_status").asText().equals("available");
        });
        String url = api.get("/v1/files/" + fileId + "/download").json().get("url").asText();
        byte[] downloaded = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create(url)).build(),
                HttpResponse.BodyHandlers.ofByteArray()).body();
        assertThat(LoadClient.sha256(downloaded)).isEqualTo(LoadClient.sha256(content));
        return new LoadClient.Upload(user, uploadId, fileId, filename, content.length, LoadClient.sha256(content), true);
    }

    /**
     * An initiate sent to one command service and retried with the same key on the other is answered once, with one
     * upload; then both complete it at the same moment, and the upload makes one version.
     */
    private static LoadClient.Upload keyOnBothInstancesAndRacingCompletes(Topology topology, String jdbcUrl)
            throws Exception {
        String token = topology.token("racer");
        Instance first = Instance.at(topology.commandPort(1), token);
        Instance second = Instance.at(topology.commandPort(2), token);
        byte[] content = new byte[300_000];
        new java.util.Random(11).nextBytes(content);
        Map<String, Object> initiate = Map.of("filename", "raced.bin", "content_type", "application/octet-stream",
                "size", content.length, "sha256", LoadClient.sha256(content));
        String key = UUID.randomUUID().toString();
        Instance.Answer once = first.post("/v1/uploads/initiate", initiate, key);
        Instance.Answer again = second.post("/v1/uploads/initiate", initiate, key);
        assertThat(once.status()).as(once.body()).isEqualTo(201);
        assertThat(again.status()).as(again.body()).isEqualTo(201);
        assertThat(again.json()).isEqualTo(once.json());
        String uploadId = once.json().get("upload_id").asText();
        assertThat(eventCount(jdbcUrl, uploadId, "io.depot.upload.UploadInitiatedEvent")).isEqualTo(1);

        HttpResponse<String> put = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(once.json().get("presigned_url").asText()))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(content)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(put.statusCode()).isEqualTo(200);
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<Instance.Answer>> completes = java.util.stream.Stream.of(first, second)
                .map(instance -> CompletableFuture.supplyAsync(() -> {
                    try {
                        go.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    return instance.post("/v1/uploads/" + uploadId + "/complete", Map.of(), null);
                })).toList();
        go.countDown();
        List<Instance.Answer> answers = completes.stream().map(CompletableFuture::join).toList();
        assertThat(answers).allSatisfy(answer -> assertThat(answer.status()).as(answer.body()).isEqualTo(200));
        assertThat(answers.get(1).json().get("file_id")).isEqualTo(answers.get(0).json().get("file_id"));
        assertThat(answers).allSatisfy(answer -> assertThat(answer.json().get("version").asLong()).isEqualTo(1));
        String fileId = answers.get(0).json().get("file_id").asText();
        return new LoadClient.Upload("racer", uploadId, fileId, "raced.bin", content.length,
                LoadClient.sha256(content), false);
    }

    /**
     * A tus upload that one command service is writing (a slow PATCH holding its write lease) is refused to a PATCH
     * sent to the other (423: the lease is in the upload session, not in either process); once the slow PATCH's
     * connection is cut, the other instance answers the offset storage holds and takes the rest.
     */
    private static LoadClient.Upload tusWrittenThroughBothInstances(Topology topology, String jdbcUrl)
            throws Exception {
        String token = topology.token("tus-racer");
        byte[] content = new byte[(int) (3 * LoadClient.PART_SIZE / 2)];
        new java.util.Random(13).nextBytes(content);
        HttpClient http = HttpClient.newHttpClient();
        URI first = URI.create("http://127.0.0.1:" + topology.commandPort(1));
        URI second = URI.create("http://127.0.0.1:" + topology.commandPort(2));
        HttpResponse<String> created = http.send(HttpRequest.newBuilder(first.resolve("/v1/tus/"))
                .POST(HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token)
                .header("Tus-Resumable", "1.0.0").header("Upload-Length", Integer.toString(content.length))
                .header("Upload-Metadata", "filename " + base64("tus-raced.bin") + ",sha256 "
                        + base64(LoadClient.sha256(content)))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String path = created.headers().firstValue("Location").orElseThrow();
        String uploadId = path.substring(path.lastIndexOf('/') + 1);
        int sentSlowly = 1_000_000;
        try (java.net.Socket slow = new java.net.Socket("127.0.0.1", topology.commandPort(1))) {
            var out = slow.getOutputStream();
            out.write(("PATCH " + path + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream"
                    + "\r\nContent-Length: " + content.length + "\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            out.write(content, 0, sentSlowly);
            out.flush();
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    eventCount(jdbcUrl, uploadId, "io.depot.upload.UploadWriteStartedEvent") >= 1);
            HttpResponse<String> refused = tusPatch(http, second, path, token, 0, Arrays.copyOf(content, 10));
            assertThat(refused.statusCode()).as(refused.body()).isEqualTo(423);
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> tusOffset(http, second, path, token) == sentSlowly);
        HttpResponse<String> rest = tusPatch(http, second, path, token, sentSlowly,
                Arrays.copyOfRange(content, sentSlowly, content.length));
        assertThat(rest.statusCode()).as(rest.body()).isEqualTo(204);
        Instance api = Instance.at(topology.commandPort(2), token);
        String fileId = api.get("/v1/uploads/" + uploadId).json().get("file_id").asText();
        return new LoadClient.Upload("tus-racer", uploadId, fileId, "tus-raced.bin", content.length,
                LoadClient.sha256(content), true);
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static HttpResponse<String> tusPatch(HttpClient http, URI instance, String path, String token, long offset,
                                                 byte[] body) throws Exception {
        return http.send(HttpRequest.newBuilder(instance.resolve(path))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(body)).header("Authorization", "Bearer " + token)
                .header("Tus-Resumable", "1.0.0").header("Upload-Offset", Long.toString(offset))
                .header("Content-Type", "application/offset+octet-stream").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static long tusOffset(HttpClient http, URI instance, String path, String token) throws Exception {
        HttpResponse<Void> head = http.send(HttpRequest.newBuilder(instance.resolve(path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()).header("Authorization", "Bearer " + token)
                .header("Tus-Resumable", "1.0.0").build(), HttpResponse.BodyHandlers.discarding());
        return head.statusCode() == 200 ? Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow()) : -1;
    }

    private static int eventCount(String jdbcUrl, String aggregateId, String type) throws Exception {
        try (Connection connection = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             var statement = connection.prepareStatement("SELECT COUNT(*) FROM DomainEventEntry"
                     + " WHERE aggregateIdentifier = ? AND payloadType = ?")) {
            statement.setString(1, aggregateId);
            statement.setString(2, type);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return rows.getInt(1);
            }
        }
    }

    /** Does the same to each process side by side, returning once it is done to all. */
    private static void inParallel(Consumer<String> action, String... names) {
        CompletableFuture.allOf(Arrays.stream(names)
                .map(name -> CompletableFuture.runAsync(() -> action.accept(name)))
                .toArray(CompletableFuture[]::new)).join();
    }

    private static void awaitMore(IntSupplier done, int more) {
        int target = done.getAsInt() + more;
        await().atMost(Duration.ofMinutes(4)).pollInterval(Duration.ofMillis(200))
                .until(() -> done.getAsInt() >= target);
    }

    private static double seconds(long since) {
        return (System.nanoTime() - since) / 1e9;
    }

    /** FileVersioned events by file id, from the event store itself. */
    private static Map<String, List<JsonNode>> versions(String jdbcUrl) throws Exception {
        Map<String, List<JsonNode>> versions = new HashMap<>();
        try (Connection connection = DriverManager.getConnection(jdbcUrl, TestPostgres.user(), TestPostgres.password());
             var statement = connection.prepareStatement(
                     "SELECT aggregateIdentifier, payload FROM DomainEventEntry WHERE payloadType = ?")) {
            statement.setString(1, "io.depot.file.FileVersionedEvent");
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    versions.computeIfAbsent(rows.getString(1), id -> new ArrayList<>())
                            .add(JSON.readTree(rows.getBytes(2)));
                }
            }
        }
        return versions;
    }

    /** Each client upload made exactly one version, of its own file, with its SHA-256; no file has another. */
    private static void assertOneVersionPerUpload(String jdbcUrl, List<LoadClient.Upload> uploads) throws Exception {
        Map<String, List<JsonNode>> versions = versions(jdbcUrl);
        assertThat(versions.keySet()).as("files in the event store")
                .containsExactlyInAnyOrderElementsOf(uploads.stream().map(LoadClient.Upload::fileId).toList());
        for (LoadClient.Upload upload : uploads) {
            List<JsonNode> fileVersions = versions.get(upload.fileId());
            assertThat(fileVersions).as("versions of %s", upload.filename()).hasSize(1);
            JsonNode version = fileVersions.get(0);
            assertThat(version.get("uploadId").asText()).isEqualTo(upload.uploadId());
            assertThat(version.get("version").asLong()).isEqualTo(1);
            assertThat(version.get("sha256").asText()).isEqualTo(upload.sha256());
            assertThat(version.get("size").asLong()).isEqualTo(upload.size());
        }
    }

    /** Every file as the query services answer it, through the balancer, is what the event store says it is. */
    private static void assertReadModelsAgreeWithEventStore(String jdbcUrl, URI balancer, Topology topology,
                                                            List<LoadClient.Upload> uploads) throws Exception {
        Map<String, List<JsonNode>> versions = versions(jdbcUrl);
        HttpClient http = HttpClient.newHttpClient();
        Map<String, String> tokens = new HashMap<>();
        for (LoadClient.Upload upload : uploads) {
            String token = tokens.computeIfAbsent(upload.user(), topology::token);
            JsonNode stored = versions.get(upload.fileId()).get(0);
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
                HttpResponse<String> response = http.send(HttpRequest.newBuilder(
                                balancer.resolve("/v1/files/" + upload.fileId()))
                        .header("Authorization", "Bearer " + token).build(), HttpResponse.BodyHandlers.ofString());
                assertThat(response.statusCode()).as("GET %s", upload.fileId()).isEqualTo(200);
                JsonNode file = JSON.readTree(response.body());
                assertThat(file.get("version").asLong()).isEqualTo(stored.get("version").asLong());
                assertThat(file.get("sha256").asText()).isEqualTo(stored.get("sha256").asText());
                assertThat(file.get("size").asLong()).isEqualTo(stored.get("size").asLong());
                assertThat(file.get("filename").asText()).isEqualTo(stored.get("filename").asText());
                assertThat(file.get("owner_id").asText()).isEqualTo(stored.get("ownerId").asText());
                assertThat(file.get("upload_status").asText()).isEqualTo("available");
            });
        }
    }

    private static void assertNoMultipartUploadOpen(Topology topology) {
        try (S3AsyncClient s3 = S3AsyncClient.builder()
                .endpointOverride(URI.create("http://127.0.0.1:" + topology.s3Port()))
                .region(Region.US_EAST_1)
                .forcePathStyle(true)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("depot", topology.s3SecretKey())))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build()) {
            assertThat(s3.listMultipartUploads(b -> b.bucket("depot")).join().uploads()).as("open multipart uploads").isEmpty();
        }
    }
}
