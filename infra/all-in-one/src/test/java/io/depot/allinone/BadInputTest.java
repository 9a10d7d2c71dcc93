package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

import static org.assertj.core.api.Assertions.assertThat;

/** Bad input gets a problem response with a clear detail, and leaves no session, object, event or row behind. */
class BadInputTest extends EndToEndTest {

    private static final String VALID_TAIL = "\"content_type\":\"application/octet-stream\"";

    private String alice;

    @BeforeEach
    void token() {
        alice = api.token("alice");
    }

    @Test
    void malformedJson() {
        refused(() -> api.postRaw("/v1/uploads/initiate", alice, "application/json", "{\"filename\": "),
                400, "malformed-request");
        refused(() -> api.postRaw("/v1/uploads/initiate", alice, "application/json", "[1,2"), 400, "malformed-request");
        refused(() -> api.postRaw("/v1/uploads/initiate", alice, "text/plain", "hello"), 415, "unsupported-media-type");
    }

    @Test
    void missingFields() {
        JsonNode problem = refused(() -> api.postRaw("/v1/uploads/initiate", alice, "application/json", "{}"),
                400, "validation-failed");
        assertThat(problem.get("detail").asText()).contains("filename", "content_type", "size");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\"," + VALID_TAIL + "}"), 400, "validation-failed");
        refused(() -> initiateRaw("{\"size\":10," + VALID_TAIL + "}"), 400, "validation-failed");
    }

    @Test
    void negativeOrAbsurdSizes() {
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":-1," + VALID_TAIL + "}"), 400, "validation-failed");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":5497558138881," + VALID_TAIL + "}"),
                400, "validation-failed");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":1e30," + VALID_TAIL + "}"), 400, "malformed-request");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":123456789012345678901234567890," + VALID_TAIL + "}"),
                400, "malformed-request");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":\"ten\"," + VALID_TAIL + "}"), 400, "malformed-request");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":100,\"part_size\":1024," + VALID_TAIL + "}"),
                400, "validation-failed");
    }

    @Test
    void otherInvalidFields() {
        refused(() -> initiateRaw("{\"filename\":\"../etc/passwd\",\"size\":1," + VALID_TAIL + "}"), 400, "invalid-filename");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":1,\"content_type\":\"nonsense\"}"), 400, "validation-failed");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":1,\"storage_class\":\"COLD\"," + VALID_TAIL + "}"),
                400, "validation-failed");
        refused(() -> initiateRaw("{\"filename\":\"a.bin\",\"size\":1,\"sha256\":\"xyz\"," + VALID_TAIL + "}"),
                400, "validation-failed");
    }

    @Test
    void partNumbersOutOfRange() {
        String uploadId = initiate(alice, uniqueName("parts"), 12 * MIB, 5L * MIB, null).get("upload_id").asText();
        for (int part : new int[]{0, 10_001, -1}) {
            refused(() -> api.put("/v1/uploads/" + uploadId + "/parts/" + part, alice, new byte[10]), 400, "invalid-part-number");
            refused(() -> api.post("/v1/uploads/" + uploadId + "/parts/" + part, alice, Map.of("etag", "e")),
                    400, "invalid-part-number");
        }
        // Within S3's range but beyond this upload's three parts.
        refused(() -> api.put("/v1/uploads/" + uploadId + "/parts/4", alice, new byte[10]), 400, "invalid-part-number");
    }

    @Test
    void aPartOfTheWrongSizeIsRefusedBeforeStorage() {
        String uploadId = initiate(alice, uniqueName("size"), 12 * MIB, 5L * MIB, null).get("upload_id").asText();
        refused(() -> api.put("/v1/uploads/" + uploadId + "/parts/3", alice, new byte[3 * MIB]), 413, "payload-too-large");
        refused(() -> api.put("/v1/uploads/" + uploadId + "/parts/1", alice, new byte[MIB]), 400, "part-size-mismatch");
        refused(() -> api.post("/v1/uploads/" + uploadId + "/parts/1", alice, Map.of("etag", "0123")), 400, "part-not-stored");
    }

    @Test
    void completeWithAMissingPart() {
        byte[] data = randomBytes(12 * MIB, 21);
        JsonNode upload = initiate(alice, uniqueName("missing"), data.length, 5L * MIB, null);
        String uploadId = upload.get("upload_id").asText();
        for (int part : new int[]{1, 3}) {
            String etag = putPresigned(upload.get("presigned_urls").get(part - 1).asText(), slice(data, 5L * MIB, part));
            report(alice, uploadId, part, etag);
        }
        JsonNode problem = refused(() -> api.post("/v1/uploads/" + uploadId + "/complete", alice, null), 400, "parts-missing");
        assertThat(problem.get("detail").asText()).contains("[2]");
        assertThat(api.get("/v1/uploads/" + uploadId, alice).json().get("status").asText()).isEqualTo("in_progress");
    }

    @Test
    void completeWithAPartListThatStorageContradictsRecordsNothing() {
        byte[] data = randomBytes(12 * MIB, 22);
        JsonNode upload = initiate(alice, uniqueName("claimed"), data.length, 5L * MIB, null);
        String uploadId = upload.get("upload_id").asText();
        List<Map<String, Object>> parts = new java.util.ArrayList<>();
        for (int part = 1; part <= 3; part++) {
            String etag = putPresigned(upload.get("presigned_urls").get(part - 1).asText(), slice(data, 5L * MIB, part));
            parts.add(Map.of("part_number", part, "etag", part == 3 ? "0123456789abcdef0123456789abcdef" : etag));
        }
        JsonNode problem = refused(() -> api.post("/v1/uploads/" + uploadId + "/complete", alice, Map.of("parts", parts)),
                400, "part-not-stored");
        assertThat(problem.get("detail").asText()).contains("part 3");
        assertThat(eventTypes(uploadId)).containsExactly("UploadInitiatedEvent");
        assertThat(api.get("/v1/uploads/" + uploadId, alice).json().get("status").asText()).isEqualTo("in_progress");
    }

    @Test
    void unknownUploadId() {
        String path = "/v1/uploads/9b2f4c1e-0000-4000-8000-000000000000";
        refused(() -> api.get(path, alice), 404, "upload-not-found");
        refused(() -> api.put(path + "/parts/1", alice, new byte[10]), 404, "upload-not-found");
        refused(() -> api.post(path + "/parts/1", alice, Map.of("etag", "e")), 404, "upload-not-found");
        refused(() -> api.post(path + "/complete", alice, null), 404, "upload-not-found");
        refused(() -> api.delete(path, alice), 404, "upload-not-found");
        refused(() -> api.get("/v1/files/9b2f4c1e-0000-4000-8000-000000000000", alice), 404, "file-not-found");
        refused(() -> api.delete("/v1/files/9b2f4c1e-0000-4000-8000-000000000000", alice), 404, "file-not-found");
    }

    @Test
    void wrongDeclaredSha256LeavesNoFileAndNoObject() {
        byte[] data = randomBytes(12 * MIB, 22);
        JsonNode upload = initiate(alice, uniqueName("sha"), data.length, 5L * MIB, sha256(new byte[]{1}));
        String uploadId = upload.get("upload_id").asText();
        String fileId = upload.get("file_id").asText();
        for (int part = 1; part <= 3; part++) {
            String etag = putPresigned(upload.get("presigned_urls").get(part - 1).asText(), slice(data, 5L * MIB, part));
            report(alice, uploadId, part, etag);
        }
        assertThat(stored().multipartUploads()).anyMatch(key -> key.contains(uploadId));
        Api.Response r = api.post("/v1/uploads/" + uploadId + "/complete", alice, null);
        assertThat(r.status()).as(r.body()).isEqualTo(400);
        assertThat(r.isProblem()).isTrue();
        assertThat(r.json().get("code").asText()).isEqualTo("checksum-mismatch");
        assertThat(r.json().get("detail").asText()).contains(sha256(data));

        Stored after = stored();
        assertThat(after.objects()).noneMatch(key -> key.contains(uploadId));
        assertThat(after.multipartUploads()).noneMatch(key -> key.contains(uploadId));
        assertThat(eventTypes(fileId)).isEmpty();
        assertThat(api.get("/v1/files/" + fileId, alice).status()).isEqualTo(404);
        JsonNode state = api.get("/v1/uploads/" + uploadId, alice).json();
        assertThat(state.get("status").asText()).isEqualTo("aborted");
        assertThat(state.get("abort_reason").asText()).isEqualTo("checksum_mismatch");
        assertThat(eventTypes(uploadId)).endsWith("UploadAbortedEvent").doesNotContain("UploadCompletedEvent");
    }

    @Test
    void downloadConditionsWithoutACdn() {
        String path = "/v1/files/" + uploadSmall(alice, uniqueName("no-cdn"), randomBytes(10, 61)) + "/download";
        JsonNode problem = refused(() -> api.get(path + "?ip_range=203.0.113.0/24", alice), 400, "validation-failed");
        assertThat(problem.get("detail").asText()).contains("ip_range and not_before need downloads through a CDN");
        refused(() -> api.get(path + "?not_before=2030-01-01T00:00:00Z", alice), 400, "validation-failed");
        refused(() -> api.get(path + "?ip_range=203.0.113.0", alice), 400, "validation-failed");
        assertThat(api.get(path, alice).json().get("url").asText()).contains("X-Amz-Signature=");
    }

    /** Every download route refuses a bad expiry alike: the newest version's, a version's and a rendition's. */
    @Test
    void downloadUrlExpiries() {
        String fileId = uploadSmall(alice, uniqueName("expiry"), randomBytes(10, 62));
        String path = "/v1/files/" + fileId + "/download";
        for (String route : List.of(path, "/v1/files/" + fileId + "/versions/1/download",
                "/v1/files/" + fileId + "/renditions/thumbnail/download")) {
            assertThat(refused(() -> api.get(route + "?expiry=0", alice), 400, "validation-failed").get("detail")
                    .asText()).as(route).isEqualTo("expiry must be at least 1 second");
            assertThat(refused(() -> api.get(route + "?expiry=soon", alice), 400, "validation-failed").get("detail")
                    .asText()).as(route).isEqualTo("expiry must be a whole number of seconds");
            assertThat(refused(() -> api.get(route + "?expiry=99999999999999999999", alice), 400, "validation-failed")
                    .get("detail").asText()).as(route).isEqualTo("expiry must be a whole number of seconds");
        }
        assertThat(downloadEvents(fileId)).as("a refused download is not recorded").isEmpty();
        JsonNode granted = api.get(path + "?expiry=60", alice).json();
        assertThat(Duration.between(Instant.now(), Instant.parse(granted.get("expires_at").asText())))
                .isBetween(Duration.ofSeconds(50), Duration.ofSeconds(61));
    }

    private Api.Response initiateRaw(String json) {
        return api.postRaw("/v1/uploads/initiate", alice, "application/json", json);
    }

    /** Sends the request and checks the problem it gets, and that nothing was stored. */
    private JsonNode refused(Supplier<Api.Response> request, int status, String code) {
        Stored before = stored();
        Api.Response response = request.get();
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.isProblem()).as(response.contentType()).isTrue();
        JsonNode problem = response.json();
        assertThat(problem.get("code").asText()).isEqualTo(code);
        assertThat(problem.get("type").asText()).isEqualTo("urn:depot:problem:" + code);
        assertThat(problem.get("status").asInt()).isEqualTo(status);
        assertThat(problem.get("detail").asText()).isNotBlank();
        assertNothingStoredSince(before);
        return problem;
    }
}
