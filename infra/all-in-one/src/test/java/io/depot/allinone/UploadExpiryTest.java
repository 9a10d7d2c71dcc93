package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.storage.ObjectStorage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.web.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Abandoned uploads expire, and their deadlines are persistent: an upload whose deadline passes while
 * every process is down expires when Depot comes back, and its multipart upload is aborted in storage.
 */
class UploadExpiryTest {

    private static final Duration TTL = Duration.ofSeconds(6);

    @TempDir
    Path dataDir;

    @Test
    void anUploadAbandonedAcrossARestartExpiresAndReleasesItsStorage() throws InterruptedException {
        String abandoned;
        String completed;
        Instant deadline;
        try (var app = start()) {
            Api api = new Api(port(app));
            String token = api.token("dave");
            byte[] data = EndToEndTest.randomBytes(12 * EndToEndTest.MIB, 71);
            JsonNode upload = api.post("/v1/uploads/initiate", token, Map.of("filename", "big.bin",
                    "content_type", "application/octet-stream", "size", data.length, "part_size", 5 * EndToEndTest.MIB)).json();
            abandoned = upload.get("upload_id").asText();
            deadline = Instant.parse(api.get("/v1/uploads/" + abandoned, token).json().get("expires_at").asText());
            Api.Response part = api.putUrl(upload.get("presigned_urls").get(0).asText(),
                    EndToEndTest.slice(data, 5L * EndToEndTest.MIB, 1), Map.of());
            assertThat(part.status()).isEqualTo(200);
            assertThat(multipartUploads(app)).anyMatch(key -> key.contains(abandoned));

            byte[] small = EndToEndTest.randomBytes(100, 72);
            JsonNode done = api.post("/v1/uploads/initiate", token, Map.of("filename", "small.bin",
                    "content_type", "application/octet-stream", "size", small.length)).json();
            completed = done.get("upload_id").asText();
            api.putUrl(done.get("presigned_url").asText(), small, Map.of("Content-Type", "application/octet-stream"));
            assertThat(api.post("/v1/uploads/" + completed + "/complete", token, null).status()).isEqualTo(200);
        }

        // Every process is down when the deadline passes.
        Thread.sleep(Math.max(0, Duration.between(Instant.now(), deadline).toMillis() + 500));
        assertThat(Instant.now()).isAfter(deadline);

        try (var app = start()) {
            Api api = new Api(port(app));
            String token = api.token("dave");
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "aborted".equals(api.get("/v1/uploads/" + abandoned, token).json().get("status").asText()));
            assertThat(api.get("/v1/uploads/" + abandoned, token).json().get("abort_reason").asText()).isEqualTo("expired");
            await().atMost(Duration.ofSeconds(30)).until(() -> multipartUploads(app).stream().noneMatch(k -> k.contains(abandoned)));
            assertThat(api.get("/v1/uploads/" + completed, token).json().get("status").asText()).isEqualTo("completed");
        }
    }

    @Test
    void anExpiredTusUploadIsRefusedToTusJsClientAndItsStorageReleased() throws Exception {
        try (var app = start()) {
            int port = port(app);
            Api api = new Api(port);
            String token = api.token("erin");
            byte[] data = EndToEndTest.randomBytes(2 * EndToEndTest.MIB, 73);
            Path file = java.nio.file.Files.write(dataDir.resolve("expiring.bin"), data);
            var http = java.net.http.HttpClient.newHttpClient();
            var created = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + "/v1/tus/"))
                    .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(java.util.Arrays.copyOf(data, 100_000)))
                    .header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0")
                    .header("Content-Type", "application/offset+octet-stream")
                    .header("Upload-Length", Integer.toString(data.length))
                    .header("Upload-Metadata", "filename " + java.util.Base64.getEncoder()
                            .encodeToString("expiring.bin".getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                    .build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
            assertThat(created.headers().firstValue("Upload-Offset")).hasValue("100000");
            String url = "http://127.0.0.1:" + port + created.headers().firstValue("Location").orElseThrow();
            String uploadId = url.substring(url.lastIndexOf('/') + 1);
            Instant expires = java.time.ZonedDateTime.parse(created.headers().firstValue("Upload-Expires").orElseThrow(),
                    java.time.format.DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
            assertThat(expires).isBetween(Instant.now().minusSeconds(1), Instant.now().plus(TTL));
            ObjectStorage storage = app.getBean(ObjectStorage.class);
            assertThat(storage.listKeys("objects/").filter(k -> k.contains(uploadId)).collectList()
                    .block(Duration.ofSeconds(10))).as("the first chunk's tail").hasSize(1);

            Thread.sleep(Math.max(0, Duration.between(Instant.now(), expires).toMillis() + 500));
            JsonNode refused = TusJsClient.run(Map.of("scenario", "resume-only", "uploadUrl", url,
                    "file", file.toString(), "token", token, "endpoint", "http://127.0.0.1:" + port + "/v1/tus/"));
            assertThat(refused.get("ok").asBoolean()).as(refused.toString()).isFalse();
            assertThat(refused.get("status").asInt()).isEqualTo(410);
            await().atMost(Duration.ofSeconds(30)).until(() ->
                    "aborted".equals(api.get("/v1/uploads/" + uploadId, token).json().get("status").asText()));
            assertThat(api.get("/v1/uploads/" + uploadId, token).json().get("abort_reason").asText()).isEqualTo("expired");
            await().atMost(Duration.ofSeconds(30)).until(() -> storage.listKeys("objects/")
                    .filter(k -> k.contains(uploadId)).collectList().block(Duration.ofSeconds(10)).isEmpty()
                    && multipartUploads(app).stream().noneMatch(k -> k.contains(uploadId)));
        }
    }

    private static List<String> multipartUploads(ConfigurableApplicationContext app) {
        return app.getBean(ObjectStorage.class).listMultipartUploads().collectList().block(Duration.ofSeconds(30));
    }

    private ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(DepotApplication.class)
                .run("--server.port=0", "--server.shutdown=immediate", "--depot.embedded.data-dir=" + dataDir.toAbsolutePath(),
                        "--depot.upload.session-ttl=" + TTL.toSeconds() + "s", "--db-scheduler.polling-interval=500ms");
    }

    private static int port(ConfigurableApplicationContext app) {
        return ((WebServerApplicationContext) app).getWebServer().getPort();
    }
}
