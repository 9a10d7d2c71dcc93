package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bytes are immutable once recorded: every URL Depot handed out for an upload (at initiate and when the client asked
 * where its upload stands) is tried again after the upload completed and after it was aborted, with other bytes. What
 * is downloaded stays what was verified, and storage holds nothing new.
 */
class ImmutableBytesTest extends EndToEndTest {

    /** A Windows executable's first bytes: what an attacker would swap in for verified content. */
    private static final byte[] MZ = {'M', 'Z', (byte) 0x90, 0};

    @Test
    void noUrlChangesACompletedSinglePartUpload() {
        String token = api.token("ivy");
        byte[] data = randomBytes(4096, 501);
        JsonNode upload = initiate(token, uniqueName("single"), data.length, null, null);
        List<String> urls = urls(token, upload);
        putSingle(upload, data);
        String fileId = completeAndWait(token, upload);

        Stored before = stored();
        for (String url : urls) {
            assertRefused(url, swapped(data.length));
        }
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
        assertThat(stored().objects()).isEqualTo(before.objects());
        assertThat(stored().multipartUploads()).isEqualTo(before.multipartUploads());
    }

    @Test
    void noUrlChangesACompletedMultipartUpload() {
        String token = api.token("ivy");
        byte[] data = randomBytes(5 * MIB + 1024, 502);
        JsonNode upload = initiate(token, uniqueName("multi"), data.length, 5L * MIB, null);
        String uploadId = upload.get("upload_id").asText();
        List<String> urls = urls(token, upload);
        putPresigned(upload.get("presigned_urls").get(0).asText(), slice(data, 5L * MIB, 1));
        assertThat(api.put("/v1/uploads/" + uploadId + "/parts/2", token, slice(data, 5L * MIB, 2)).status()).isEqualTo(200);
        String fileId = completeAndWait(token, upload);

        Stored before = stored();
        for (String url : urls) {
            int length = url.contains("partNumber=1") ? 5 * MIB : 1024;
            assertRefused(url, swapped(length));
        }
        assertThat(sha256(download(token, fileId))).isEqualTo(sha256(data));
        assertThat(stored().objects()).isEqualTo(before.objects());
        assertThat(stored().multipartUploads()).isEqualTo(before.multipartUploads());
    }

    @Test
    void noUrlStoresAnythingAfterAnAbort() {
        String token = api.token("ivy");
        JsonNode single = initiate(token, uniqueName("aborted-single"), 4096, null, null);
        JsonNode multi = initiate(token, uniqueName("aborted-multi"), 5L * MIB + 1024, 5L * MIB, null);
        List<String> singleUrls = urls(token, single);
        List<String> multiUrls = urls(token, multi);
        putSingle(single, randomBytes(4096, 503));
        for (JsonNode upload : List.of(single, multi)) {
            assertThat(api.delete("/v1/uploads/" + upload.get("upload_id").asText(), token).status()).isEqualTo(204);
        }

        Stored before = stored();
        for (String url : singleUrls) {
            assertRefused(url, swapped(4096));
        }
        for (String url : multiUrls) {
            int length = url.contains("partNumber=1") ? 5 * MIB : 1024;
            assertRefused(url, swapped(length));
        }
        Stored after = stored();
        assertThat(after.objects()).isEqualTo(before.objects());
        assertThat(after.multipartUploads()).isEqualTo(before.multipartUploads());
        for (JsonNode upload : List.of(single, multi)) {
            assertThat(after.objects()).noneMatch(key -> key.contains(upload.get("upload_id").asText()));
        }
    }

    /** The headers Depot named for a URL, by URL. */
    private final Map<String, Map<String, String>> headers = new java.util.HashMap<>();

    /** Every URL Depot gives for the upload: at initiate, and the fresh ones a resuming client asks for. */
    private List<String> urls(String token, JsonNode upload) {
        List<String> urls = new ArrayList<>();
        if (upload.hasNonNull("presigned_url")) {
            urls.add(upload.get("presigned_url").asText());
            headers.put(upload.get("presigned_url").asText(), uploadHeaders(upload));
        } else {
            upload.get("presigned_urls").forEach(u -> urls.add(u.asText()));
        }
        Api.Response state = api.get("/v1/uploads/" + upload.get("upload_id").asText(), token);
        assertThat(state.status()).isEqualTo(200);
        state.json().get("presigned_urls").forEach(u -> {
            urls.add(u.get("url").asText());
            headers.put(u.get("url").asText(), uploadHeaders(state.json()));
        });
        assertThat(urls).hasSizeGreaterThanOrEqualTo(2);
        return urls;
    }

    private static Map<String, String> uploadHeaders(JsonNode answer) {
        Map<String, String> named = new java.util.HashMap<>();
        if (answer.hasNonNull("upload_headers")) {
            answer.get("upload_headers").fields().forEachRemaining(h -> named.put(h.getKey(), h.getValue().asText()));
        }
        return named;
    }

    private String completeAndWait(String token, JsonNode upload) {
        JsonNode completed = complete(token, upload.get("upload_id").asText());
        String fileId = completed.get("file_id").asText();
        awaitFile(token, fileId, completed.get("version").asLong());
        return fileId;
    }

    /**
     * Storage refuses the PUT, sent with every header Depot told the client to send: a 4xx, or (for a large body) an
     * answer before the body and a closed connection.
     */
    private void assertRefused(String url, byte[] body) {
        try {
            assertThat(api.putUrl(url, body, headers.getOrDefault(url, Map.of())).status()).as(url).isBetween(400, 499);
        } catch (java.io.UncheckedIOException cutShort) {
            // Storage answered before the body and closed the connection; how the client notices varies.
            assertThat(cutShort).hasCauseInstanceOf(java.io.IOException.class);
        }
    }

    private static byte[] swapped(int length) {
        byte[] bytes = new byte[length];
        System.arraycopy(MZ, 0, bytes, 0, MZ.length);
        return bytes;
    }
}
