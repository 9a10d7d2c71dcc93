package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.axon.FixedResetInvoker;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.MultiEventHandlerInvoker;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.springboot.TimeoutProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The default a new user runs: nothing configured, everything embedded under one data directory (H2 event
 * store, mongo-java-server on an H2 file, S3Proxy on the filesystem). What was stored survives a restart.
 */
class AllInOneDefaultsTest {

    @TempDir
    Path dataDir;

    @Test
    void runsOnEmbeddedStoresAndKeepsFilesAcrossARestart() {
        byte[] data = EndToEndTest.randomBytes(4096, 31);
        String fileId;
        try (var app = start()) {
            // Workers read objects of many gigabytes in their handlers: Axon's own limits (30 s a handler, 60 s a
            // batch) would interrupt them. Commands keep theirs.
            var timeouts = app.getBean(TimeoutProperties.class);
            assertThat(timeouts.isEnabled()).isTrue();
            assertThat(timeouts.getHandler().getEvents().getTimeoutMs()).isEqualTo(-1);
            assertThat(timeouts.getHandler().getEvents().getWarningThresholdMs()).isEqualTo(-1);
            assertThat(timeouts.getTransaction().getEventProcessors().getTimeoutMs()).isEqualTo(Integer.MAX_VALUE);
            assertThat(timeouts.getHandler().getCommands().getTimeoutMs()).isEqualTo(30_000);
            // Every processor's plain handler components answer whether they support a reset once, not per event.
            var processors = app.getBean(EventProcessingConfiguration.class).eventProcessors().values();
            assertThat(processors).hasSizeGreaterThan(10).allSatisfy(processor -> {
                var invoker = (MultiEventHandlerInvoker) ((TrackingEventProcessor) processor).eventHandlerInvoker();
                assertThat(invoker.delegates()).noneMatch(d -> d.getClass() == SimpleEventHandlerInvoker.class);
            });
            assertThat(((TrackingEventProcessor) app.getBean(EventProcessingConfiguration.class)
                    .eventProcessor("files").orElseThrow()).eventHandlerInvoker())
                    .extracting(i -> ((MultiEventHandlerInvoker) i).delegates().get(0))
                    .isInstanceOf(FixedResetInvoker.class);
            Api api = new Api(port(app));
            String token = api.token("carol");
            JsonNode upload = api.post("/v1/uploads/initiate", token, Map.of("filename", "notes.txt",
                    "content_type", "text/plain", "size", data.length)).json();
            Api.Response put = api.putUrl(upload.get("presigned_url").asText(), data, Map.of("Content-Type", "text/plain"));
            assertThat(put.status()).isEqualTo(200);
            Api.Response completed = api.post("/v1/uploads/" + upload.get("upload_id").asText() + "/complete", token, null);
            assertThat(completed.status()).as(completed.body()).isEqualTo(200);
            fileId = completed.json().get("file_id").asText();
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                Api.Response file = api.get("/v1/files/" + fileId, token);
                return file.status() == 200 && file.json().get("upload_status").asText().equals("available");
            });
        }
        assertThat(dataDir.resolve("events")).isDirectory();
        assertThat(dataDir.resolve("readmodels/depot.mv")).exists();
        assertThat(dataDir.resolve("objects")).isDirectory();

        try (var app = start()) {
            Api api = new Api(port(app));
            String token = api.token("carol");
            Api.Response file = api.get("/v1/files/" + fileId, token);
            assertThat(file.status()).as(file.body()).isEqualTo(200);
            assertThat(file.json().get("filename").asText()).isEqualTo("notes.txt");
            String url = api.get("/v1/files/" + fileId + "/download", token).json().get("url").asText();
            assertThat(api.getUrl(url, Map.of()).body()).isEqualTo(data);
        }
    }

    @Test
    void reconcileIsScheduledDailyAtThreeByDefault() {
        try (var app = start()) {
            // By default a run is scheduled daily at 03:00, once for the whole cluster.
            var jdbc = app.getBean(org.springframework.jdbc.core.JdbcTemplate.class);
            java.sql.Timestamp next = jdbc.queryForObject("SELECT execution_time FROM scheduled_tasks WHERE task_name = ?",
                    java.sql.Timestamp.class, "reconcile-schedule");
            assertThat(next.toInstant().atZone(java.time.ZoneId.systemDefault()).toLocalTime())
                    .isEqualTo(java.time.LocalTime.of(3, 0));
        }
    }

    @Test
    void aScheduledReconcileRunStartsByItselfAndFindsANewStoreClean() {
        try (var app = start("--depot.reconcile.schedule=FIXED_DELAY|3600s")) {
            Api api = new Api(port(app));
            String admin = api.token("ops", "admin");
            await().atMost(Duration.ofSeconds(30)).until(() -> {
                JsonNode runs = api.get("/v1/admin/reconcile-runs", admin).json().get("items");
                return runs.size() == 1 && runs.get(0).get("status").asText().equals("FINISHED");
            });
            JsonNode run = api.get("/v1/admin/reconcile-runs", admin).json().get("items").get(0);
            assertThat(run.get("trigger").asText()).isEqualTo("SCHEDULED");
            assertThat(run.get("run_id").asText()).startsWith("scheduled-");
            JsonNode report = api.get("/v1/admin/reconcile-runs/" + run.get("run_id").asText(), admin).json();
            assertThat(report.get("findings")).isEmpty();
        }
    }

    @Test
    void withAScannerConfiguredAVerifiedVersionWaitsForItsVerdict() {
        // The scanner is configured but unreachable: the version waits, and is not downloadable meanwhile.
        try (var app = start("--depot.scan.enabled=true", "--depot.scan.clamd.address=tcp://127.0.0.1:9")) {
            Api api = new Api(port(app));
            String token = api.token("carol");
            byte[] data = EndToEndTest.randomBytes(512, 32);
            JsonNode upload = api.post("/v1/uploads/initiate", token, Map.of("filename", "unscanned.txt",
                    "content_type", "text/plain", "size", data.length)).json();
            api.putUrl(upload.get("presigned_url").asText(), data, Map.of("Content-Type", "text/plain"));
            String fileId = api.post("/v1/uploads/" + upload.get("upload_id").asText() + "/complete", token, null)
                    .json().get("file_id").asText();

            var events = app.getBean(org.springframework.jdbc.core.JdbcTemplate.class);
            await().atMost(Duration.ofSeconds(30)).until(() -> events.queryForList(
                    "SELECT payloadType FROM DomainEventEntry WHERE aggregateIdentifier = ?", String.class, fileId)
                    .contains("io.depot.file.FileScanRequestedEvent"));
            EndToEndTest.awaitCaughtUp(app.getBean(org.axonframework.config.EventProcessingConfiguration.class),
                    app.getBean(org.axonframework.eventsourcing.eventstore.EventStore.class));
            assertThat(events.queryForList("SELECT payloadType FROM DomainEventEntry WHERE aggregateIdentifier = ?",
                    String.class, fileId)).doesNotContain("io.depot.file.FileVersionAvailableEvent");
            Api.Response file = api.get("/v1/files/" + fileId, token);
            assertThat(file.json().get("upload_status").asText()).isEqualTo("processing");
            assertThat(file.json().get("scan").asText()).isEqualTo("pending");
            assertThat(file.json().get("sha256").asText()).isEqualTo(EndToEndTest.sha256(data));
            Api.Response download = api.get("/v1/files/" + fileId + "/download", token);
            assertThat(download.status()).isEqualTo(409);
            assertThat(download.json().get("code").asText()).isEqualTo("file-not-ready");
        }
    }

    @Test
    void theHealthEndpointAnswersWithoutAToken() {
        try (var app = start()) {
            Api.Response health = new Api(port(app)).get("/health", null);
            assertThat(health.status()).isEqualTo(200);
            assertThat(health.json().get("status").asText()).isEqualTo("UP");
        }
    }

    @Test
    void aStartThatFailsLeavesNoEmbeddedStoreRunning() throws Exception {
        // The embedded stores start while the rest is configured; a start that fails afterwards stops them too.
        int s3Port = freePort();
        int mongoPort = freePort();
        assertThatThrownBy(() -> start("--depot.embedded.s3-port=" + s3Port, "--depot.embedded.mongo-port=" + mongoPort,
                "--spring.datasource.url=jdbc:no-such-driver:depot"))
                .isInstanceOf(Exception.class);
        for (int port : new int[] {s3Port, mongoPort}) {
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    return false;
                } catch (IOException refused) {
                    return true;
                }
            });
        }
        try (var app = start("--depot.embedded.s3-port=" + s3Port, "--depot.embedded.mongo-port=" + mongoPort)) {
            assertThat(new Api(port(app)).get("/health", null).status()).isEqualTo(200);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private ConfigurableApplicationContext start(String... extra) {
        List<String> args = new java.util.ArrayList<>(List.of("--server.port=0", "--server.shutdown=immediate",
                "--depot.embedded.data-dir=" + dataDir.toAbsolutePath()));
        args.addAll(List.of(extra));
        return new SpringApplicationBuilder(DepotApplication.class).run(args.toArray(String[]::new));
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }
}
