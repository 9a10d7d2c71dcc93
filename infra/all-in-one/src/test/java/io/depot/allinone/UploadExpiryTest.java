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
