package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.storage.ObjectStorage;
import io.depot.worker.scan.ClamdServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.jdbc.core.JdbcTemplate;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every new version is scanned by a real clamd (Debian's clamav-daemon, offline, with signatures the test writes:
 * EICAR and a custom one) before it can be downloaded, on the all-in-one's embedded stores. Clean files become
 * available; infected ones never do and their objects go to the quarantine; a file larger than clamd takes fails, as
 * the default policy says; while clamd is down a version waits, and is scanned once clamd is back.
 */
class VirusScanTest {

    private static final long STREAM_LIMIT = 2L * 1024 * 1024;

    private static Path dataDir;
    private static ClamdServer clamd;
    private static ConfigurableApplicationContext app;
    private static Api api;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("depot-virus-scan-");
        clamd = new ClamdServer(STREAM_LIMIT).start();
        app = new SpringApplicationBuilder(DepotApplication.class).run(
                "--server.port=0",
                "--server.shutdown=immediate",
                "--depot.embedded.data-dir=" + dataDir,
                "--depot.scan.enabled=true",
                "--depot.scan.clamd.address=" + clamd.address(),
                "--depot.scan.clamd.max-stream-bytes=" + STREAM_LIMIT,
                "--depot.scan.clamd.connect-timeout=500ms",
                "--depot.processing.retry-backoff=1s",
                "--depot.processing.max-retry-backoff=2s");
        api = new Api(((WebServerApplicationContext) app).getWebServer().getPort());
    }

    @AfterAll
    static void stop() throws Exception {
        if (app != null) {
            app.close();
        }
        if (clamd != null) {
            clamd.close();
        }
    }

    @Test
    void aCleanFileIsScannedBeforeItBecomesAvailable() {
        String token = api.token("kim");
        byte[] data = EndToEndTest.randomBytes(300 * 1024, 131);
        String fileId = upload(token, "clean.bin", data);

        JsonNode file = awaitStatus(token, fileId, "available");
        assertThat(file.get("scan").asText()).isEqualTo("clean");
        assertThat(file.has("scan_signature")).isFalse();
        assertThat(api.downloadWhenAvailable(token, fileId)).isEqualTo(data);
        List<String> events = eventTypes(fileId);
        assertThat(events).containsSubsequence("FileVersionVerifiedEvent", "FileScanRequestedEvent", "FileScannedEvent",
                "FileVersionAvailableEvent");
        String scanned = new String(app.getBean(JdbcTemplate.class).queryForObject("SELECT payload FROM DomainEventEntry "
                + "WHERE aggregateIdentifier = ? AND payloadType = 'io.depot.file.FileScannedEvent'", byte[].class, fileId),
                StandardCharsets.UTF_8);
        assertThat(scanned).as("the verdict names the engine").contains("ClamAV");
    }

    @Test
    void theEicarFileIsInfectedNeverDownloadableAndQuarantined() {
        String token = api.token("kim");
        String fileId = upload(token, "eicar.txt", ClamdServer.eicar(), "text/plain");

        JsonNode file = awaitStatus(token, fileId, "infected");
        assertThat(file.get("scan").asText()).isEqualTo("infected");
        assertThat(file.get("scan_signature").asText()).startsWith("Eicar-Test-Signature");
        assertThat(file.has("downloadable_version")).isFalse();
        Api.Response download = api.get("/v1/files/" + fileId + "/download", token);
        assertThat(download.status()).isEqualTo(409);
        assertThat(download.isProblem()).isTrue();
        assertThat(download.json().get("code").asText()).isEqualTo("file-infected");
        assertThat(download.json().get("detail").asText()).contains("Eicar-Test-Signature");
        assertThat(eventTypes(fileId)).contains("FileInfectedEvent").doesNotContain("FileVersionAvailableEvent");
        await().atMost(Duration.ofSeconds(30)).until(() -> objects().stream()
                .anyMatch(key -> key.startsWith("quarantine/objects/") && key.contains(fileId)));
        assertThat(objects()).noneMatch(key -> key.startsWith("objects/") && key.contains(fileId));
    }

    @Test
    void aCustomSignatureInsideAZipIsFound() throws IOException {
        String token = api.token("kim");
        ByteArrayOutputStream zip = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(zip)) {
            out.putNextEntry(new ZipEntry("readme.txt"));
            out.write("nothing to see here\n".repeat(100).getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("payload.bin"));
            out.write(EndToEndTest.randomBytes(4096, 132));
            out.write(ClamdServer.marker());
            out.write(EndToEndTest.randomBytes(4096, 133));
        }
        String fileId = upload(token, "archive.zip", zip.toByteArray(), "application/zip");

        JsonNode file = awaitStatus(token, fileId, "infected");
        assertThat(file.get("scan_signature").asText()).startsWith("Depot.Test.Marker");
        assertThat(api.get("/v1/files/" + fileId + "/download", token).status()).isEqualTo(409);
    }

    @Test
    void aFileLargerThanTheScannerTakesFailsByDefaultPolicy() {
        String token = api.token("kim");
        byte[] data = EndToEndTest.randomBytes((int) STREAM_LIMIT + 1, 134);
        String fileId = upload(token, "too-large.bin", data);

        JsonNode file = awaitStatus(token, fileId, "failed");
        assertThat(file.get("failure_reason").asText()).contains("not scanned").contains(String.valueOf(STREAM_LIMIT));
        assertThat(api.get("/v1/files/" + fileId + "/download", token).status()).isEqualTo(409);
        await().atMost(Duration.ofSeconds(30)).until(() -> objects().stream().noneMatch(key -> key.contains(fileId)));
    }

    @Test
    void whileClamdIsDownAVersionWaitsAndIsScannedOnceClamdIsBack() throws Exception {
        String token = api.token("lee");
        byte[] data = EndToEndTest.randomBytes(200 * 1024, 135);
        String fileId;
        clamd.stop();
        try {
            fileId = upload(token, "during-outage.bin", data);
            // The scan fails, is retried, and is dead-lettered: visible to operators, never downloadable meanwhile.
            String admin = api.token("ops", "admin");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode letters = api.get("/v1/admin/dead-letters?group=malware-scan", admin).json().get("dead_letters");
                for (JsonNode letter : letters) {
                    if (letter.get("sequence").asText().equals(fileId)) {
                        return true;
                    }
                }
                return false;
            });
            JsonNode pending = api.get("/v1/files/" + fileId, token).json();
            assertThat(pending.get("upload_status").asText()).isEqualTo("processing");
            assertThat(pending.get("scan").asText()).isEqualTo("pending");
            Api.Response download = api.get("/v1/files/" + fileId + "/download", token);
            assertThat(download.status()).isEqualTo(409);
            assertThat(download.json().get("code").asText()).isEqualTo("file-not-ready");
        } finally {
            clamd.start();
        }
        JsonNode file = awaitStatus(token, fileId, "available");
        assertThat(file.get("scan").asText()).isEqualTo("clean");
        assertThat(eventTypes(fileId)).filteredOn("FileScannedEvent"::equals).hasSize(1);
        assertThat(api.downloadWhenAvailable(token, fileId)).isEqualTo(data);
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private static String upload(String token, String filename, byte[] data) {
        return upload(token, filename, data, "application/octet-stream");
    }

    private static String upload(String token, String filename, byte[] data, String contentType) {
        Api.Response initiated = api.post("/v1/uploads/initiate", token, Map.of("filename", filename,
                "content_type", contentType, "size", data.length));
        assertThat(initiated.status()).as(initiated.body()).isEqualTo(201);
        JsonNode upload = initiated.json();
        assertThat(api.putUrl(upload.get("presigned_url").asText(), data, Map.of("Content-Type", contentType)).status())
                .isEqualTo(200);
        Api.Response done = api.post("/v1/uploads/" + upload.get("upload_id").asText() + "/complete", token, null);
        assertThat(done.status()).as(done.body()).isEqualTo(200);
        return done.json().get("file_id").asText();
    }

    private static JsonNode awaitStatus(String token, String fileId, String status) {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            Api.Response file = api.get("/v1/files/" + fileId, token);
            return file.status() == 200 && file.json().get("upload_status").asText().equals(status);
        });
        return api.get("/v1/files/" + fileId, token).json();
    }

    private static List<String> eventTypes(String aggregateId) {
        return app.getBean(JdbcTemplate.class).queryForList("SELECT payloadType FROM DomainEventEntry WHERE "
                        + "aggregateIdentifier = ? ORDER BY sequenceNumber", String.class, aggregateId).stream()
                .map(t -> t.substring(t.lastIndexOf('.') + 1)).toList();
    }

    private static List<String> objects() {
        return app.getBean(ObjectStorage.class).listKeys("").filter(key -> !key.endsWith("/")).collectList()
                .block(Duration.ofSeconds(30));
    }
}
