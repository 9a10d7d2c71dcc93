package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.upload.UploadWrite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * tus-js-client, the tus project's own client, uploads to Depot's tus server ({@code /v1/tus/}) through Node; each
 * file is then downloaded through Depot's API and its SHA-256 compared.
 */
class TusClientTest extends EndToEndTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    Path dir;

    String user;
    String token;

    @BeforeEach
    void user() {
        user = "tus-" + java.util.UUID.randomUUID();
        token = api.token(user);
    }

    @Test
    void aClientKilledMidPatchResumesAtTheByteStorageHolds() throws Exception {
        byte[] data = randomBytes(12 * MIB, 181);
        Path file = Files.write(dir.resolve("restart.bin"), data);

        // One PATCH for the whole file, cut by the client going away after 3 MiB.
        JsonNode first = tus(Map.of("scenario", "restart", "file", file.toString(), "abortAt", 3 * MIB,
                "rate", 8 * MIB, "filename", uniqueName("restart")));
        assertThat(first.get("ok").asBoolean()).as(first.toString()).isTrue();
        String uploadId = uploadIdOf(first.get("url").asText());
        List<Long> offsets = longs(first.get("offsets"));
        assertThat(offsets.get(0)).as("the first client's one PATCH").isZero();
        assertThat(offsets.subList(1, offsets.size())).as("the resumed client's PATCHes start past the start: the "
                + "cut PATCH's bytes were kept").isNotEmpty().allMatch(offset -> offset > 0 && offset < data.length);

        String fileId = api.get("/v1/uploads/" + uploadId, token).json().get("file_id").asText();
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
        assertThat(tailsOf(uploadId)).as("no tail left once whole").isEmpty();
        assertThat(eventTypes(uploadId)).contains("UploadWriteStartedEvent", "UploadWriteAdvancedEvent",
                "UploadCompletedEvent");
    }

    @Test
    void cutConnectionsAreRetriedFromTheServersOffset() throws Exception {
        byte[] data = randomBytes(9 * MIB, 182);
        Path file = Files.write(dir.resolve("cut.bin"), data);
        try (FaultProxy proxy = new FaultProxy(port, 1812)) {
            proxy.cutConnections(0.3);
            JsonNode result = tus(Map.of("endpoint", "http://127.0.0.1:" + proxy.port() + "/v1/tus/",
                    "scenario", "upload", "file", file.toString(), "chunkSize", MIB, "newConnections", true,
                    "filename", uniqueName("cut")));
            assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
            assertThat(proxy.cutCount()).as("connections cut").isPositive();
            assertThat(result.get("retries").asInt()).isPositive();
            assertDownloadsAs(result, data);
        }
    }

    @Test
    void aChunkWithAWrongChecksumIsRefusedWith460AndSentAgain() throws Exception {
        byte[] data = randomBytes(7 * MIB, 183);
        Path file = Files.write(dir.resolve("checksum.bin"), data);
        JsonNode result = tus(Map.of("scenario", "checksum", "file", file.toString(), "chunkSize", 2 * MIB,
                "filename", uniqueName("checksum")));
        assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
        assertThat(result.get("checksumRefusals").asInt()).isEqualTo(1);
        // Four chunks, the second twice, both times at the same offset: the corrupted one was discarded whole.
        assertThat(longs(result.get("offsets"))).containsExactly(0L, 2L * MIB, 2L * MIB, 4L * MIB, 6L * MIB);
        assertDownloadsAs(result, data);
    }

    @Test
    void terminationEndsTheUploadAndReleasesItsStorage() throws Exception {
        byte[] data = randomBytes(8 * MIB, 184);
        Path file = Files.write(dir.resolve("terminated.bin"), data);
        JsonNode result = tus(Map.of("scenario", "terminate", "file", file.toString(), "chunkSize", MIB,
                "abortAt", 3 * MIB, "rate", 8 * MIB, "filename", uniqueName("terminated")));
        assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
        String uploadId = uploadIdOf(result.get("url").asText());

        assertThat(head(result.get("url").asText()).statusCode()).isEqualTo(410);
        JsonNode session = api.get("/v1/uploads/" + uploadId, token).json();
        assertThat(session.get("status").asText()).isEqualTo("aborted");
        await().atMost(Duration.ofSeconds(30)).until(() -> storage.listMultipartUploads().collectList()
                .block(Duration.ofSeconds(10)).stream().noneMatch(key -> key.contains(uploadId)));
        assertThat(tailsOf(uploadId)).isEmpty();

        // Resuming a terminated upload is refused; the client is not let to start another.
        JsonNode again = tus(Map.of("scenario", "resume-only", "uploadUrl", result.get("url").asText(),
                "file", file.toString()));
        assertThat(again.get("ok").asBoolean()).isFalse();
        assertThat(again.get("status").asInt()).isEqualTo(410);
    }

    @Test
    void parallelUploadsAreConcatenatedIntoOneFile() throws Exception {
        byte[] data = randomBytes(11 * MIB + 12345, 185);
        Path file = Files.write(dir.resolve("parallel.bin"), data);
        String name = uniqueName("parallel");
        JsonNode result = tus(Map.of("scenario", "upload", "file", file.toString(), "parallel", 3, "filename", name));
        assertThat(result.get("ok").asBoolean()).as(result.toString()).isTrue();
        String uploadId = uploadIdOf(result.get("url").asText());
        HttpResponse<Void> head = head(result.get("url").asText());
        assertThat(head.headers().firstValue("Upload-Concat").orElseThrow()).startsWith("final;/v1/tus/");
        List<String> partials = java.util.Arrays.stream(head.headers().firstValue("Upload-Concat").orElseThrow()
                .substring("final;".length()).split(" ")).map(TusClientTest::uploadIdOf).toList();
        assertThat(partials).hasSize(3);

        JsonNode upload = api.get("/v1/uploads/" + uploadId, token).json();
        String fileId = upload.get("file_id").asText();
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
        assertThat(api.get("/v1/files/" + fileId, token).json().get("filename").asText()).isEqualTo(name);
        for (String partial : partials) {
            assertThat(api.get("/v1/uploads/" + partial, token).json().get("status").asText())
                    .as("a concatenated partial upload ends").isEqualTo("aborted");
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> partials.stream().allMatch(partial ->
                storage.listKeys("objects/").filter(key -> key.contains(partial)).collectList()
                        .block(Duration.ofSeconds(10)).isEmpty()));
    }

    /** The file the client's upload made downloads, through Depot's API, as exactly {@code data}. */
    private void assertDownloadsAs(JsonNode result, byte[] data) {
        String uploadId = uploadIdOf(result.get("url").asText());
        JsonNode upload = api.get("/v1/uploads/" + uploadId, token).json();
        assertThat(upload.get("status").asText()).isEqualTo("completed");
        assertThat(sha256(download(token, upload.get("file_id").asText()))).isEqualTo(sha256(data));
    }

    private JsonNode tus(Map<String, Object> spec) throws Exception {
        Map<String, Object> full = new HashMap<>(spec);
        full.putIfAbsent("endpoint", "http://127.0.0.1:" + port + "/v1/tus/");
        full.put("token", token);
        return TusJsClient.run(full);
    }

    private HttpResponse<Void> head(String url) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).method("HEAD", HttpRequest.BodyPublishers.noBody())
                .header("Authorization", "Bearer " + token).header("Tus-Resumable", "1.0.0").build(),
                HttpResponse.BodyHandlers.discarding());
    }

    private List<String> tailsOf(String uploadId) {
        return storage.listKeys("objects/").filter(key -> key.contains(uploadId + UploadWrite.TAIL_INFIX))
                .collectList().block(Duration.ofSeconds(10));
    }

    static String uploadIdOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static List<Long> longs(JsonNode array) {
        List<Long> values = new java.util.ArrayList<>();
        array.forEach(n -> values.add(n.asLong()));
        return values;
    }
}
