package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Things break: the network cuts part uploads, storage goes down during a complete, Depot is killed in the
 * middle of an upload, the event store's and the read-model store's connections drop. Every server is real
 * (PostgreSQL, mongo-java-server, S3Proxy); a {@link FaultProxy} in front of each injects the failures.
 * After each scenario the bytes match, nothing is left unfinished in storage, and the event store holds
 * exactly the expected events.
 */
class FailureInjectionTest {

    private static final long PART = 5L * EndToEndTest.MIB;

    private static TestStores stores;
    private static FaultProxy storageForDepot;
    private static FaultProxy storageForClients;
    private static FaultProxy mongoProxy;
    private static FaultProxy postgresProxy;
    private static ConfigurableApplicationContext app;
    private static Api api;

    @BeforeAll
    static void servers() throws Exception {
        stores = TestStores.start("faults");
        storageForDepot = new FaultProxy(stores.s3().endpoint().getPort(), 1);
        storageForClients = new FaultProxy(stores.s3().endpoint().getPort(), 2);
        mongoProxy = new FaultProxy(stores.mongo().getLocalAddress().getPort(), 3);
        postgresProxy = new FaultProxy(TestPostgres.port(), 4);
        start();
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        for (FaultProxy proxy : new FaultProxy[]{storageForDepot, storageForClients, mongoProxy, postgresProxy}) {
            if (proxy != null) {
                proxy.close();
            }
        }
        if (stores != null) {
            stores.close();
        }
    }

    private static void start() {
        String jdbc = stores.jdbcUrl().replace(":" + TestPostgres.port() + "/",
                ":" + postgresProxy.port() + "/");
        app = new SpringApplicationBuilder(DepotApplication.class).run(
                "--server.port=0",
                "--server.shutdown=immediate",
                "--depot.embedded.data-dir=" + stores.dataDir(),
                "--spring.datasource.url=" + jdbc,
                "--spring.datasource.username=" + TestPostgres.user(),
                "--spring.datasource.password=" + TestPostgres.password(),
                "--spring.datasource.hikari.connection-timeout=2000",
                "--spring.data.mongodb.uri=mongodb://127.0.0.1:" + mongoProxy.port()
                        + "/depot?serverSelectionTimeoutMS=2000&connectTimeoutMS=2000",
                "--depot.storage.endpoint=http://127.0.0.1:" + storageForDepot.port(),
                "--depot.storage.public-endpoint=http://127.0.0.1:" + storageForClients.port(),
                "--depot.storage.access-key=" + TestStores.ACCESS_KEY,
                "--depot.storage.secret-key=" + TestStores.SECRET_KEY);
        api = new Api(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    @Test
    void partsCutByTheNetworkAreRetriedByTheClientAndNothingIsLost() {
        String token = api.token("erin");
        byte[] data = EndToEndTest.randomBytes(64 * EndToEndTest.MIB, 81);
        JsonNode upload = initiate(token, "flaky.bin", data, EndToEndTest.sha256(data));
        String uploadId = upload.get("upload_id").asText();
        int cutBefore = storageForClients.cutCount();

        storageForClients.cutConnections(0.2);
        int attempts = 0;
        try {
            for (int part = 1; part <= 13; part++) {
                byte[] bytes = EndToEndTest.slice(data, PART, part);
                String etag = null;
                for (int attempt = 1; etag == null; attempt++) {
                    assertThat(attempt).as("attempts for part " + part).isLessThanOrEqualTo(20);
                    attempts++;
                    etag = putOnFreshConnection(upload.get("presigned_urls").get(part - 1).asText(), bytes);
                }
                report(token, uploadId, part, etag);
            }
        } finally {
            storageForClients.cutConnections(0);
        }
        assertThat(storageForClients.cutCount() - cutBefore).as("connections cut").isPositive();
        assertThat(attempts).isGreaterThan(13);

        String fileId = complete(token, uploadId).get("file_id").asText();
        assertIntact(token, fileId, data);
        assertThat(eventTypes(uploadId)).containsExactlyElementsOf(expectedUploadEvents(13));
        assertThat(eventTypes(fileId)).filteredOn("FileVersionedEvent"::equals).hasSize(1);
        assertThat(multipartUploads()).noneMatch(key -> key.contains(uploadId));
    }

    @Test
    void storageDownDuringCompleteIs503ThenALaterCompleteSucceeds() {
        String token = api.token("erin");
        byte[] data = EndToEndTest.randomBytes(12 * EndToEndTest.MIB, 82);
        JsonNode upload = initiate(token, "outage.bin", data, null);
        String uploadId = upload.get("upload_id").asText();
        for (int part = 1; part <= 3; part++) {
            report(token, uploadId, part, putOnFreshConnection(upload.get("presigned_urls").get(part - 1).asText(),
                    EndToEndTest.slice(data, PART, part)));
        }

        storageForDepot.down();
        Api.Response refused;
        try {
            refused = api.post("/v1/uploads/" + uploadId + "/complete", token, null);
            assertNotReadyButLive();
        } finally {
            storageForDepot.up();
        }
        awaitReady();
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.json().get("code").asText()).isEqualTo("storage-unavailable");
        assertThat(refused.headers().get("retry-after")).containsExactly("2");
        assertThat(api.get("/v1/uploads/" + uploadId, token).json().get("status").asText()).isEqualTo("in_progress");

        String fileId = complete(token, uploadId).get("file_id").asText();
        assertIntact(token, fileId, data);
        assertThat(eventTypes(uploadId)).containsExactlyElementsOf(expectedUploadEvents(3));
    }

    @Test
    void aDeletedFilesObjectIsRemovedOnceStorageComesBack() {
        String token = api.token("erin");
        byte[] data = EndToEndTest.randomBytes(300, 84);
        JsonNode upload = initiate(token, "deleted-" + System.nanoTime() + ".bin", data, null);
        putSingle(upload, data);
        String fileId = complete(token, upload.get("upload_id").asText()).get("file_id").asText();
        assertIntact(token, fileId, data);
        assertThat(objects()).anyMatch(key -> key.contains(fileId));

        storageForDepot.down();
        try {
            assertThat(api.delete("/v1/files/" + fileId, token).status()).isEqualTo(204);
            await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/files/" + fileId, token).status() == 404);
            assertThat(s3Objects()).anyMatch(key -> key.contains(fileId));
        } finally {
            storageForDepot.up();
        }
        await().atMost(Duration.ofSeconds(90)).until(() -> objects().stream().noneMatch(key -> key.contains(fileId)));
    }

    @Test
    void aClientResumesAfterDepotIsKilledMidUpload() {
        String token = api.token("erin");
        byte[] data = EndToEndTest.randomBytes(64 * EndToEndTest.MIB, 83);
        JsonNode upload = initiate(token, "killed.bin", data, EndToEndTest.sha256(data));
        String uploadId = upload.get("upload_id").asText();
        for (int part = 1; part <= 5; part++) {
            report(token, uploadId, part, putOnFreshConnection(upload.get("presigned_urls").get(part - 1).asText(),
                    EndToEndTest.slice(data, PART, part)));
        }
        for (int part = 6; part <= 8; part++) {
            Api.Response streamed = api.put("/v1/uploads/" + uploadId + "/parts/" + part, token,
                    EndToEndTest.slice(data, PART, part));
            assertThat(streamed.status()).isEqualTo(200);
        }

        app.close();
        start();

        String fresh = api.token("erin");
        JsonNode state = api.get("/v1/uploads/" + uploadId, fresh).json();
        assertThat(state.get("bytes_uploaded").asLong()).isEqualTo(8 * PART);
        for (JsonNode missing : state.get("presigned_urls")) {
            int part = missing.get("part_number").asInt();
            report(fresh, uploadId, part, putOnFreshConnection(missing.get("url").asText(),
                    EndToEndTest.slice(data, PART, part)));
        }
        String fileId = complete(fresh, uploadId).get("file_id").asText();
        assertIntact(fresh, fileId, data);
        assertThat(eventTypes(uploadId)).containsExactlyElementsOf(expectedUploadEvents(13));
    }

    @Test
    void projectionsCatchUpAfterTheReadModelStoreDropsWithNoEventMissed() {
        String token = api.token("frank");
        mongoProxy.down();
        List<String> fileIds = new ArrayList<>();
        List<byte[]> contents = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                byte[] data = EndToEndTest.randomBytes(200 + i, 90 + i);
                JsonNode upload = initiate(token, "dropped-" + i + "-" + System.nanoTime() + ".bin", data, null);
                putSingle(upload, data);
                fileIds.add(complete(token, upload.get("upload_id").asText()).get("file_id").asText());
                contents.add(data);
            }
            Api.Response unavailable = api.get("/v1/files/" + fileIds.get(0), token);
            assertThat(unavailable.status()).as(unavailable.body()).isEqualTo(503);
            assertThat(unavailable.isProblem()).isTrue();
            assertNotReadyButLive();
        } finally {
            mongoProxy.up();
        }
        awaitReady();

        await().atMost(Duration.ofSeconds(90)).until(() -> fileIds.stream().allMatch(id -> {
            Api.Response file = api.get("/v1/files/" + id, token);
            return file.status() == 200 && file.json().get("upload_status").asText().equals("available");
        }));
        for (int i = 0; i < fileIds.size(); i++) {
            JsonNode file = api.get("/v1/files/" + fileIds.get(i), token).json();
            assertThat(file.get("version").asLong()).isEqualTo(1);
            assertThat(file.get("size").asLong()).isEqualTo(contents.get(i).length);
        }
        awaitProjectionsCaughtUp();
        var versioned = new java.util.TreeSet<>(jdbc().queryForList("SELECT DISTINCT aggregateIdentifier FROM DomainEventEntry "
                + "WHERE payloadType = ?", String.class, "io.depot.file.FileVersionedEvent"));
        var projected = new java.util.TreeSet<String>();
        app.getBean(com.mongodb.client.MongoDatabase.class).getCollection("files").find()
                .forEach(d -> projected.add(d.getString("_id")));
        assertThat(projected).as("every versioned file is in the read model").isEqualTo(versioned);
    }

    @Test
    void aDroppedEventStoreConnectionIs503AndLeavesNothingBehind() {
        String token = api.token("frank");
        List<String> before = multipartUploads();
        long eventsBefore = jdbc().queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
        postgresProxy.down();
        Api.Response refused;
        try {
            refused = api.post("/v1/uploads/initiate", token, Map.of("filename", "db-down.bin",
                    "content_type", "application/octet-stream", "size", 20 * EndToEndTest.MIB));
        } finally {
            postgresProxy.up();
        }
        assertThat(refused.status()).as(refused.body()).isEqualTo(503);
        assertThat(refused.isProblem()).isTrue();
        assertThat(refused.headers().get("retry-after")).containsExactly("2");
        assertThat(multipartUploads()).containsExactlyInAnyOrderElementsOf(before);

        await().atMost(Duration.ofSeconds(30)).until(() -> api.post("/v1/uploads/initiate", token, Map.of(
                "filename", "db-back.bin", "content_type", "application/octet-stream", "size", 100)).status() == 201);
        long eventsAfter = jdbc().queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
        // The upload that succeeded: its claim in the owner's allowance and its session. The refused one left none.
        assertThat(eventsAfter - eventsBefore).isEqualTo(2);
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private static JsonNode initiate(String token, String filename, byte[] data, String sha256) {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("filename", filename);
        body.put("content_type", "application/octet-stream");
        body.put("size", data.length);
        if (data.length > PART) {
            body.put("part_size", PART);
        }
        if (sha256 != null) {
            body.put("sha256", sha256);
        }
        Api.Response r = api.post("/v1/uploads/initiate", token, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    /** A store is down: the balancer must stop sending requests here, but the process must not be restarted. */
    private static void assertNotReadyButLive() {
        assertThat(api.get("/health/readiness", null).status()).isEqualTo(503);
        assertThat(api.get("/health/liveness", null).status()).isEqualTo(200);
    }

    private static void awaitReady() {
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/health/readiness", null).status() == 200);
    }

    private static void putSingle(JsonNode upload, byte[] data) {
        Api.Response r = api.putUrl(upload.get("presigned_url").asText(), data,
                Map.of("Content-Type", "application/octet-stream"));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** One PUT on a connection of its own, as a mobile client after a network change; null when it failed. */
    private static String putOnFreshConnection(String url, byte[] bytes) {
        HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        try {
            HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create(url))
                    .timeout(Duration.ofSeconds(30))
                    .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)).build(), HttpResponse.BodyHandlers.ofString());
            return r.statusCode() == 200 ? r.headers().firstValue("ETag").orElseThrow() : null;
        } catch (java.io.IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void report(String token, String uploadId, int part, String etag) {
        Api.Response r = api.post("/v1/uploads/" + uploadId + "/parts/" + part, token, Map.of("etag", etag));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    private static JsonNode complete(String token, String uploadId) {
        Api.Response r = api.post("/v1/uploads/" + uploadId + "/complete", token, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    private static void assertIntact(String token, String fileId, byte[] data) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Api.Response file = api.get("/v1/files/" + fileId, token);
            return file.status() == 200 && file.json().get("upload_status").asText().equals("available");
        });
        String url = api.get("/v1/files/" + fileId + "/download", token).json().get("url").asText();
        assertThat(EndToEndTest.sha256(api.getUrl(url, Map.of()).body())).isEqualTo(EndToEndTest.sha256(data));
    }

    private static List<String> expectedUploadEvents(int parts) {
        List<String> events = new ArrayList<>();
        events.add("UploadInitiatedEvent");
        for (int i = 0; i < parts; i++) {
            events.add("PartUploadedEvent");
        }
        events.add("UploadCompletedEvent");
        return events;
    }

    private static List<String> eventTypes(String aggregateId) {
        return jdbc().queryForList("SELECT payloadType FROM DomainEventEntry WHERE aggregateIdentifier = ? "
                        + "ORDER BY sequenceNumber", String.class, aggregateId).stream()
                .map(t -> t.substring(t.lastIndexOf('.') + 1))
                .toList();
    }

    private static void awaitProjectionsCaughtUp() {
        EndToEndTest.awaitCaughtUp(app.getBean(org.axonframework.config.EventProcessingConfiguration.class),
                app.getBean(org.axonframework.eventsourcing.eventstore.EventStore.class));
    }

    private static JdbcTemplate jdbc() {
        return app.getBean(JdbcTemplate.class);
    }

    /** Object keys in the bucket; S3Proxy's filesystem store also lists folders (keys ending in '/'), which are not objects. */
    private static List<String> objects() {
        return app.getBean(ObjectStorage.class).listKeys("").filter(key -> !key.endsWith("/")).collectList()
                .block(Duration.ofSeconds(30));
    }

    /** What the object store holds, asked directly rather than through the proxy Depot uses. */
    private static List<String> s3Objects() {
        try {
            return java.nio.file.Files.walk(stores.dataDir().resolve("objects")).map(Path::toString).toList();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static List<String> multipartUploads() {
        return app.getBean(ObjectStorage.class).listMultipartUploads().collectList().block(Duration.ofSeconds(30));
    }
}
