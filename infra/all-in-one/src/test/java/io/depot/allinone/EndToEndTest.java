package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.MongoDatabase;
import io.depot.platform.storage.ObjectStorage;
import io.depot.platform.testing.TestPostgres;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs the all-in-one application against real servers: PostgreSQL as event store, mongo-java-server for
 * read models and tokens, S3Proxy for objects. Every test class extending this shares one application.
 */
@SpringBootTest(classes = DepotApplication.class, webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT)
// Spring Boot's tests export no metrics unless asked; /prometheus is part of what runs in production (MetricsTest).
@org.springframework.boot.test.autoconfigure.actuate.observability.AutoConfigureObservability(tracing = false)
// Archive restores, which S3Proxy cannot do, are simulated (StorageTiersTest).
@org.springframework.context.annotation.Import(SimulatedArchive.class)
abstract class EndToEndTest {

    static final int MIB = 1024 * 1024;

    @LocalServerPort
    int port;

    /** The application's data directory (its development signing key, its embedded object store). */
    @org.springframework.beans.factory.annotation.Value("${depot.embedded.data-dir}")
    Path dataDir;

    @Autowired
    JdbcTemplate jdbc;

    @Autowired
    ObjectStorage storage;

    @Autowired
    MongoDatabase readModels;

    Api api;

    /**
     * Called once for each application these tests start: the one every subclass shares (Spring caches it), and one
     * for each subclass that adds configuration of its own. Each gets a schema and a data directory of its own: two
     * applications running on one event store would each handle the other's events with their own sagas, workers
     * and deadlines, racing each other.
     */
    @DynamicPropertySource
    static void servers(DynamicPropertyRegistry registry) {
        String schemaUrl = TestPostgres.schemaUrl();
        Path dataDir = tempDir();
        registry.add("spring.datasource.url", () -> schemaUrl);
        registry.add("spring.datasource.username", TestPostgres::user);
        registry.add("spring.datasource.password", TestPostgres::password);
        registry.add("depot.embedded.data-dir", dataDir::toString);
        registry.add("depot.embedded.mongo-in-memory", () -> "true");
        // Reconcile runs only when a test asks, and looks at everything however young.
        registry.add("depot.reconcile.schedule", () -> "off");
        registry.add("depot.reconcile.grace", () -> "0s");
        registry.add("depot.reconcile.sample-size", () -> "1000");
        // Lifecycle rules run only when a test asks (StorageTiersTest), with a "now" of its choosing.
        registry.add("depot.lifecycle.max-per-run", () -> "100000");
        // So do retrieval polls: the scheduled one (every 15 minutes by default) would otherwise record a retrieval
        // StorageTiersTest left asked for in the middle of whichever test runs then, as an event that test did not make.
        registry.add("depot.lifecycle.retrieval-poll-interval", () -> "3650d");
        String[][] rules = {{"cool-after-30d", "all", "30d", "STANDARD_IA"},
                {"archive-superseded", "superseded", "90d", "GLACIER"}};
        String[] fields = {"name", "applies-to", "older-than", "storage-class"};
        for (int rule = 0; rule < rules.length; rule++) {
            for (int field = 0; field < fields.length; field++) {
                String value = rules[rule][field];
                registry.add("depot.lifecycle.rules[" + rule + "]." + fields[field], () -> value);
            }
        }
        // Video renditions of the test videos (720 lines) at a height that keeps them quick to make.
        registry.add("depot.video.transcode-height", () -> "240");
        // Every test calls from loopback: limits are the subject of RateLimitTest, not of these.
        unlimited(registry::add);
    }

    /** Limits far above anything a test does, so the many tests calling from one address are never refused. */
    static void unlimited(java.util.function.BiConsumer<String, java.util.function.Supplier<Object>> property) {
        for (String operation : List.of("initiate", "part", "complete", "download")) {
            property.accept("depot.limits." + operation + "-per-user", () -> "1000000/1m");
            property.accept("depot.limits." + operation + "-per-address", () -> "1000000/1m");
        }
        property.accept("depot.limits.max-open-uploads-per-user", () -> "100000");
    }

    @org.junit.jupiter.api.BeforeEach
    void client() {
        api = new Api(port);
    }

    // ---- what the stores hold -------------------------------------------------------------------------

    /** Everything Depot has stored, to show that a refused request left nothing behind. */
    record Stored(long events, long lastEvent, Set<String> objects, Set<String> multipartUploads, long files) {
    }

    Stored stored() {
        awaitProjectionsCaughtUp();
        Long events = jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry", Long.class);
        Long lastEvent = jdbc.queryForObject("SELECT COALESCE(MAX(globalIndex), -1) FROM DomainEventEntry", Long.class);
        // S3Proxy's filesystem store also lists folders (keys ending in '/'); they are not objects.
        Set<String> objects = new TreeSet<>(storage.listKeys("").filter(key -> !key.endsWith("/")).collectList()
                .block(Duration.ofSeconds(30)));
        Set<String> uploads = new TreeSet<>(storage.listMultipartUploads().collectList().block(Duration.ofSeconds(30)));
        long files = readModel("files", "files").countDocuments();
        return new Stored(events, lastEvent, objects, uploads, files);
    }

    /** Checks that Depot stored nothing since {@code before}, and names what it stored if it did. */
    void assertNothingStoredSince(Stored before) {
        Stored after = stored();
        assertThat(after).as(() -> changes(before, after)).isEqualTo(before);
    }

    private String changes(Stored before, Stored after) {
        StringBuilder changes = new StringBuilder("stored since:");
        org.springframework.jdbc.core.RowCallbackHandler event = row -> changes.append("\n  event ")
                .append(row.getLong(1)).append(' ').append(row.getString(4)).append(" of ").append(row.getString(3))
                .append(' ').append(row.getString(2)).append(" at ").append(row.getString(5));
        jdbc.query("SELECT globalIndex, aggregateIdentifier, type, payloadType, timeStamp FROM DomainEventEntry "
                + "WHERE globalIndex > ? ORDER BY globalIndex LIMIT 20", event, before.lastEvent());
        describe(changes, "object", before.objects(), after.objects());
        describe(changes, "multipart upload", before.multipartUploads(), after.multipartUploads());
        if (before.files() != after.files()) {
            changes.append("\n  files in the read model: ").append(before.files()).append(" -> ").append(after.files());
        }
        return changes.toString();
    }

    private static void describe(StringBuilder changes, String what, Set<String> before, Set<String> after) {
        after.stream().filter(key -> !before.contains(key)).forEach(key -> changes.append("\n  ").append(what)
                .append(" added: ").append(key));
        before.stream().filter(key -> !after.contains(key)).forEach(key -> changes.append("\n  ").append(what)
                .append(" removed: ").append(key));
    }

    /** A collection of a read model, in the copy reads use now: a rebuild moves it to {@code <name>__g<generation>}. */
    com.mongodb.client.MongoCollection<org.bson.Document> readModel(String group, String collection) {
        org.bson.Document pointer = readModels.getCollection("projection_generations")
                .find(new org.bson.Document("_id", group)).first();
        int generation = pointer == null ? 1 : pointer.getInteger("live");
        return readModels.getCollection(generation == 1 ? collection : collection + "__g" + generation);
    }

    @Autowired
    org.axonframework.config.EventProcessingConfiguration processing;

    @Autowired
    org.axonframework.eventsourcing.eventstore.EventStore eventStore;

    /** Waits until every streaming processor has handled every event appended so far. */
    void awaitProjectionsCaughtUp() {
        awaitCaughtUp(processing, eventStore);
    }

    /** Waits until every streaming processor of an application has handled every event appended so far. */
    static void awaitCaughtUp(org.axonframework.config.EventProcessingConfiguration processing,
                              org.axonframework.eventsourcing.eventstore.EventStore eventStore) {
        var token = eventStore.createHeadToken();
        long head = token == null ? -1 : token.position().orElse(-1);
        await().atMost(Duration.ofSeconds(90)).until(() -> processing.eventProcessors().values().stream()
                .filter(p -> p instanceof org.axonframework.eventhandling.StreamingEventProcessor)
                .map(p -> (org.axonframework.eventhandling.StreamingEventProcessor) p)
                // A processor whose read model was rebuilt beside it has stopped for good.
                .filter(org.axonframework.eventhandling.StreamingEventProcessor::isRunning)
                .allMatch(p -> !p.processingStatus().isEmpty() && p.processingStatus().values().stream()
                        .allMatch(status -> status.getCurrentPosition().orElse(-1) >= head)));
    }

    /** The payload types of an aggregate's events, in order. */
    List<String> eventTypes(String aggregateId) {
        return jdbc.queryForList("SELECT payloadType FROM DomainEventEntry WHERE aggregateIdentifier = ? "
                + "ORDER BY sequenceNumber", String.class, aggregateId).stream()
                .map(t -> t.substring(t.lastIndexOf('.') + 1))
                .toList();
    }

    /** The stored FileDownloaded events of a file, as their JSON payloads, in the order they were stored. */
    List<String> downloadEvents(String fileId) {
        return jdbc.queryForList("SELECT payload FROM DomainEventEntry WHERE payloadType = ? ORDER BY globalIndex",
                        byte[].class, "io.depot.file.FileDownloadedEvent").stream()
                .map(p -> new String(p, java.nio.charset.StandardCharsets.UTF_8))
                .filter(p -> p.contains("\"fileId\":\"" + fileId + "\""))
                .toList();
    }

    // ---- upload helpers --------------------------------------------------------------------------------

    JsonNode initiate(String token, String filename, long size, Long partSize, String sha256) {
        var body = new java.util.LinkedHashMap<String, Object>();
        body.put("filename", filename);
        body.put("content_type", "application/octet-stream");
        body.put("size", size);
        if (partSize != null) {
            body.put("part_size", partSize);
        }
        if (sha256 != null) {
            body.put("sha256", sha256);
        }
        Api.Response r = api.post("/v1/uploads/initiate", token, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json();
    }

    /** Puts a single-part upload's bytes to its presigned URL with the headers the upload names. */
    void putSingle(JsonNode upload, byte[] data) {
        Map<String, String> headers = new java.util.HashMap<>();
        upload.get("upload_headers").fields().forEachRemaining(h -> headers.put(h.getKey(), h.getValue().asText()));
        Api.Response r = api.putUrl(upload.get("presigned_url").asText(), data, headers);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    /** Starts a reconcile run as an admin and waits for its report, which must say it finished. */
    JsonNode runToEnd(String admin) {
        Api.Response started = api.post("/v1/admin/reconcile-runs", admin, null);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        String report = started.json().get("report").asText();
        List<JsonNode> ended = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Api.Response r = api.get(report, admin);
            if (r.status() == 200 && !r.json().get("status").asText().equals("RUNNING")) {
                ended.add(r.json());
                return true;
            }
            return false;
        });
        assertThat(ended.get(0).get("status").asText()).as(ended.get(0).toString()).isEqualTo("FINISHED");
        return ended.get(0);
    }

    /** The object a file's current version uses, as the files read model has it. */
    String objectKey(String fileId) {
        return readModel("files", "files").find(new org.bson.Document("_id", fileId)).first().getString("object_key");
    }

    /** Uploads a small file in one presigned PUT, completes it, waits for the query side; returns the file id. */
    String uploadSmall(String token, String filename, byte[] data) {
        JsonNode upload = initiate(token, filename, data.length, null, null);
        putSingle(upload, data);
        JsonNode completed = complete(token, upload.get("upload_id").asText());
        String fileId = completed.get("file_id").asText();
        awaitFile(token, fileId, completed.get("version").asLong());
        return fileId;
    }

    /** Uploads {@code data} in one presigned PUT, declared as {@code contentType}; waits until it is available. */
    String uploadTyped(String token, String filename, String contentType, byte[] data) {
        Map<String, Object> body = new java.util.LinkedHashMap<>();
        body.put("filename", filename);
        body.put("content_type", contentType);
        body.put("size", data.length);
        Api.Response r = api.post("/v1/uploads/initiate", token, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        putSingle(r.json(), data);
        JsonNode completed = complete(token, r.json().get("upload_id").asText());
        String fileId = completed.get("file_id").asText();
        awaitFile(token, fileId, completed.get("version").asLong());
        return fileId;
    }

    /** A made rendition's bytes, through its download URL. */
    byte[] renditionBytes(String token, String fileId, String name) {
        Api.Response r = api.get("/v1/files/" + fileId + "/renditions/" + name + "/download", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        var response = api.getUrl(r.json().get("url").asText(), Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    /** A made image rendition, decoded. */
    java.awt.image.BufferedImage downloadRendition(String token, String fileId, String name) throws IOException {
        java.awt.image.BufferedImage image = javax.imageio.ImageIO.read(new java.io.ByteArrayInputStream(
                renditionBytes(token, fileId, name)));
        assertThat(image).as("a decodable " + name).isNotNull();
        return image;
    }

    /** Each rendition object of the file, with when it was last written. */
    Map<String, java.time.Instant> renditionObjects(String fileId) {
        Map<String, java.time.Instant> objects = new java.util.LinkedHashMap<>();
        storage.listObjects("renditions/" + fileId + "/", null).filter(o -> !o.key().endsWith("/"))
                .toIterable().forEach((io.depot.platform.storage.ListedObject o) -> objects.put(o.key(), o.lastModified()));
        return objects;
    }

    /** Puts one part to its presigned URL as a plain HTTP client would, and returns storage's ETag. */
    String putPresigned(String url, byte[] part) {
        Api.Response r = api.putUrl(url, part, Map.of());
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.headers().get("etag").get(0);
    }

    void report(String token, String uploadId, int part, String etag) {
        Api.Response r = api.post("/v1/uploads/" + uploadId + "/parts/" + part, token, Map.of("etag", etag));
        assertThat(r.status()).as(r.body()).isEqualTo(200);
    }

    JsonNode complete(String token, String uploadId) {
        Api.Response r = api.post("/v1/uploads/" + uploadId + "/complete", token, null);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        return r.json();
    }

    /** Waits until the query side shows the file's {@code version} available, and returns its metadata. */
    JsonNode awaitFile(String token, String fileId, long version) {
        return awaitFile(token, fileId, version, Map.of());
    }

    /** The file once {@code version} is available, read with {@code headers} on every request. */
    JsonNode awaitFile(String token, String fileId, long version, Map<String, String> headers) {
        List<JsonNode> found = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Api.Response r = api.get("/v1/files/" + fileId, token, headers);
            if (r.status() == 200 && r.json().get("version").asLong() == version
                    && r.json().get("upload_status").asText().equals("available")) {
                found.add(r.json());
                return true;
            }
            return false;
        });
        return found.get(0);
    }

    /** Downloads the file through a presigned URL, once it is available, and returns the bytes. */
    byte[] download(String token, String fileId) {
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            Api.Response file = api.get("/v1/files/" + fileId, token);
            return file.status() == 200 && file.json().hasNonNull("downloadable_version");
        });
        Api.Response r = api.get("/v1/files/" + fileId + "/download", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        var response = api.getUrl(r.json().get("url").asText(), Map.of());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }

    static byte[] slice(byte[] data, long partSize, int partNumber) {
        int from = (int) (partSize * (partNumber - 1));
        int to = (int) Math.min(data.length, from + partSize);
        return java.util.Arrays.copyOfRange(data, from, to);
    }

    static byte[] randomBytes(int size, long seed) {
        byte[] data = new byte[size];
        new Random(seed).nextBytes(data);
        return data;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String uniqueName(String stem) {
        return stem + "-" + java.util.UUID.randomUUID() + ".bin";
    }

    static Path tempDir() {
        try {
            Path dir = Files.createTempDirectory("depot-it-");
            dir.toFile().deleteOnExit();
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
