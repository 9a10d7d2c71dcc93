package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.upload.UploadWrite;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The tus protocol's edges, with a plain HTTP client: what a tus server must answer, and what it must refuse. */
class TusProtocolTest extends EndToEndTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    String token;

    @BeforeEach
    void user() {
        token = api.token("tus-edge-" + java.util.UUID.randomUUID());
    }

    @Test
    void discoveryNamesTheVersionExtensionsAndAlgorithms() throws Exception {
        HttpResponse<String> options = send("OPTIONS", "/v1/tus/", Map.of(), null);
        assertThat(options.statusCode()).isEqualTo(204);
        assertThat(options.headers().firstValue("Tus-Version")).hasValue("1.0.0");
        assertThat(options.headers().firstValue("Tus-Resumable")).hasValue("1.0.0");
        assertThat(options.headers().firstValue("Tus-Extension").orElseThrow().split(",")).contains("creation",
                "creation-with-upload", "creation-defer-length", "expiration", "checksum", "termination", "concatenation");
        assertThat(options.headers().firstValue("Tus-Checksum-Algorithm").orElseThrow().split(","))
                .contains("sha1", "md5", "sha256");
        assertThat(Long.parseLong(options.headers().firstValue("Tus-Max-Size").orElseThrow())).isPositive();
    }

    @Test
    void aMissingOrUnsupportedVersionIsRefusedWith412AndNothingIsCreated() throws Exception {
        Stored before = stored();
        Map<String, String> headers = creation(100, "v.bin");
        headers.remove("Tus-Resumable");
        HttpResponse<String> missing = send("POST", "/v1/tus/", headers, null);
        assertThat(missing.statusCode()).isEqualTo(412);
        assertThat(missing.headers().firstValue("Tus-Version")).hasValue("1.0.0");
        assertThat(missing.body()).contains("tus-version-unsupported");
        headers.put("Tus-Resumable", "0.2.2");
        assertThat(send("POST", "/v1/tus/", headers, null).statusCode()).isEqualTo(412);
        assertNothingStoredSince(before);
    }

    @Test
    void badCreationsAreRefusedWithProblemsAndLeaveNothing() throws Exception {
        Stored before = stored();
        Map<String, String> noLength = creation(100, "a.bin");
        noLength.remove("Upload-Length");
        Map<String, String> bothLengths = creation(100, "a.bin");
        bothLengths.put("Upload-Defer-Length", "1");
        Map<String, String> noName = creation(100, "a.bin");
        noName.put("Upload-Metadata", "filetype " + b64("text/plain"));
        Map<String, String> badMetadata = creation(100, "a.bin");
        badMetadata.put("Upload-Metadata", "filename not-base64!");
        Map<String, String> negative = creation(100, "a.bin");
        negative.put("Upload-Length", "-5");
        Map<String, String> huge = creation(100, "a.bin");
        huge.put("Upload-Length", Long.toString(6L << 40));
        Map<String, String> badFinal = creation(100, "a.bin");
        badFinal.remove("Upload-Length");
        badFinal.put("Upload-Concat", "final;/v1/tus/not-an-upload");
        for (Map<String, String> headers : List.of(noLength, bothLengths, noName, badMetadata, negative, huge, badFinal)) {
            HttpResponse<String> refused = send("POST", "/v1/tus/", headers, null);
            assertThat(refused.statusCode()).as(headers + " " + refused.body()).isEqualTo(400);
            assertThat(refused.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        }
        assertNothingStoredSince(before);
    }

    @Test
    void wrongOffsetsTypesAndLengthsAreRefusedAndTheOffsetStays() throws Exception {
        String url = create(1000, "edges.bin");
        byte[] data = randomBytes(1000, 191);
        assertThat(patch(url, 0, Arrays.copyOf(data, 400)).statusCode()).isEqualTo(204);

        HttpResponse<String> wrongOffset = patch(url, 100, Arrays.copyOfRange(data, 100, 200));
        assertThat(wrongOffset.statusCode()).isEqualTo(409);
        assertThat(wrongOffset.body()).contains("upload-offset-mismatch").contains("stands at offset 400");

        Map<String, String> wrongType = new LinkedHashMap<>(patchHeaders(400));
        wrongType.put("Content-Type", "application/octet-stream");
        assertThat(send("PATCH", url, wrongType, new byte[10]).statusCode()).isEqualTo(415);

        Map<String, String> noOffset = new LinkedHashMap<>(patchHeaders(400));
        noOffset.remove("Upload-Offset");
        assertThat(send("PATCH", url, noOffset, new byte[10]).statusCode()).isEqualTo(400);

        long events = eventTypes(uploadIdOf(url)).size();
        HttpResponse<String> pastTheEnd = patch(url, 400, randomBytes(601, 192));
        assertThat(pastTheEnd.statusCode()).isEqualTo(413);
        assertThat(pastTheEnd.body()).contains("upload-length-exceeded");
        assertThat(eventTypes(uploadIdOf(url))).as("refused from its headers: no event").hasSize((int) events);

        Map<String, String> otherLength = new LinkedHashMap<>(patchHeaders(400));
        otherLength.put("Upload-Length", "2000");
        assertThat(send("PATCH", url, otherLength, new byte[10]).statusCode()).isEqualTo(400);

        String stranger = api.token("tus-stranger-" + java.util.UUID.randomUUID());
        assertThat(send("HEAD", url, Map.of("Authorization", "Bearer " + stranger, "Tus-Resumable", "1.0.0"), null)
                .statusCode()).isEqualTo(404);
        assertThat(send("PATCH", url, Map.of("Authorization", "Bearer " + stranger, "Tus-Resumable", "1.0.0",
                "Upload-Offset", "400", "Content-Type", "application/offset+octet-stream"), new byte[10]).statusCode())
                .isEqualTo(404);

        assertThat(offset(url)).isEqualTo(400);
        assertThat(patch(url, 400, Arrays.copyOfRange(data, 400, 1000)).headers().firstValue("Upload-Offset"))
                .hasValue("1000");
        String fileId = fileIdOf(url);
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
        HttpResponse<String> head = head(url);
        assertThat(head.headers().firstValue("Upload-Length")).hasValue("1000");
        assertThat(head.headers().firstValue("Upload-Expires").orElseThrow()).endsWith("GMT");
        assertThat(head.headers().firstValue("Cache-Control")).hasValue("no-store");
        assertThat(patch(url, 1000, new byte[1]).statusCode()).as("a completed upload takes no more").isEqualTo(409);
    }

    @Test
    void aDeferredLengthIsDeclaredByALaterPatch() throws Exception {
        byte[] data = randomBytes(7 * MIB + 3, 193);
        Map<String, String> headers = creation(0, uniqueName("deferred"));
        headers.remove("Upload-Length");
        headers.put("Upload-Defer-Length", "1");
        HttpResponse<String> created = send("POST", "/v1/tus/", headers, null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        String url = created.headers().firstValue("Location").orElseThrow();
        assertThat(head(url).headers().firstValue("Upload-Defer-Length")).hasValue("1");

        assertThat(patch(url, 0, Arrays.copyOf(data, 6 * MIB)).statusCode()).isEqualTo(204);
        assertThat(head(url).headers().firstValue("Upload-Length")).isEmpty();
        Map<String, String> declaring = new LinkedHashMap<>(patchHeaders(6 * MIB));
        declaring.put("Upload-Length", Integer.toString(data.length));
        HttpResponse<String> last = send("PATCH", url, declaring, Arrays.copyOfRange(data, 6 * MIB, data.length));
        assertThat(last.statusCode()).as(last.body()).isEqualTo(204);
        assertThat(last.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(data.length));
        assertThat(head(url).headers().firstValue("Upload-Length")).hasValue(Integer.toString(data.length));
        assertThat(sha256(download(token, fileIdOf(url)))).isEqualTo(sha256(data));
    }

    @Test
    void creationWithUploadWritesTheFirstChunkAtOnce() throws Exception {
        byte[] data = randomBytes(300_000, 194);
        Map<String, String> headers = creation(data.length, uniqueName("with-upload"));
        headers.put("Content-Type", "application/offset+octet-stream");
        HttpResponse<String> created = send("POST", "/v1/tus/", headers, data);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(created.headers().firstValue("Upload-Offset")).hasValue(Integer.toString(data.length));
        assertThat(sha256(download(token, fileIdOf(created.headers().firstValue("Location").orElseThrow()))))
                .isEqualTo(sha256(data));
    }

    @Test
    void aCutPatchKeepsWhatArrivedAndAConcurrentPatchIsRefused() throws Exception {
        int size = 10 * MIB;
        byte[] data = randomBytes(size, 195);
        String url = create(size, uniqueName("cut"));
        try (Socket slow = new Socket(InetAddress.getLoopbackAddress(), port)) {
            OutputStream out = slow.getOutputStream();
            out.write(("PATCH " + url + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nTus-Resumable: 1.0.0\r\nUpload-Offset: 0\r\nContent-Type: application/offset+octet-stream"
                    + "\r\nContent-Length: " + size + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(data, 0, 3 * MIB);
            out.flush();
            await().atMost(Duration.ofSeconds(10)).until(() -> eventTypes(uploadIdOf(url))
                    .contains("UploadWriteStartedEvent"));
            // While the first PATCH holds the upload, another is refused, at its offset or any other.
            HttpResponse<String> concurrent = patch(url, 0, Arrays.copyOf(data, 1000));
            assertThat(concurrent.statusCode()).as(concurrent.body()).isEqualTo(423);
            out.write(data, 3 * MIB, MIB);
            out.flush();
            Thread.sleep(300);
        }
        // The connection is gone: what arrived (4 MiB, less than a part) is kept as the upload's tail.
        long offset = offset(url);
        assertThat(offset).isEqualTo(4L * MIB);
        List<String> tails = storage.listKeys("objects/").filter(key -> key.contains(uploadIdOf(url)
                + UploadWrite.TAIL_INFIX)).collectList().block(Duration.ofSeconds(10));
        assertThat(tails).hasSize(1);
        assertThat(storage.head(tails.get(0)).block(Duration.ofSeconds(10)).orElseThrow().size()).isEqualTo(offset);

        assertThat(patch(url, offset, Arrays.copyOfRange(data, (int) offset, size)).statusCode()).isEqualTo(204);
        assertThat(sha256(download(token, fileIdOf(url)))).isEqualTo(sha256(data));
    }

    private String create(long length, String filename) throws Exception {
        HttpResponse<String> created = send("POST", "/v1/tus/", creation(length, filename), null);
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        return created.headers().firstValue("Location").orElseThrow();
    }

    private Map<String, String> creation(long length, String filename) {
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("Authorization", "Bearer " + token);
        headers.put("Tus-Resumable", "1.0.0");
        headers.put("Upload-Length", Long.toString(length));
        headers.put("Upload-Metadata", "filename " + b64(filename) + ",filetype " + b64("application/octet-stream"));
        return headers;
    }

    private Map<String, String> patchHeaders(long offset) {
        return Map.of("Authorization", "Bearer " + token, "Tus-Resumable", "1.0.0", "Upload-Offset",
                Long.toString(offset), "Content-Type", "application/offset+octet-stream");
    }

    private HttpResponse<String> patch(String url, long offset, byte[] body) throws Exception {
        return send("PATCH", url, patchHeaders(offset), body);
    }

    private HttpResponse<String> head(String url) throws Exception {
        return send("HEAD", url, Map.of("Authorization", "Bearer " + token, "Tus-Resumable", "1.0.0"), null);
    }

    private long offset(String url) throws Exception {
        HttpResponse<String> head = head(url);
        assertThat(head.statusCode()).isEqualTo(200);
        return Long.parseLong(head.headers().firstValue("Upload-Offset").orElseThrow());
    }

    private String fileIdOf(String url) {
        JsonNode upload = api.get("/v1/uploads/" + uploadIdOf(url), token).json();
        assertThat(upload.get("status").asText()).isEqualTo("completed");
        return upload.get("file_id").asText();
    }

    private HttpResponse<String> send(String method, String path, Map<String, String> headers, byte[] body)
            throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(path.startsWith("http") ? path
                        : "http://127.0.0.1:" + port + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        headers.forEach(request::header);
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String uploadIdOf(String url) {
        return url.substring(url.lastIndexOf('/') + 1);
    }

    private static String b64(String value) {
        return Base64.getEncoder().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }
}
