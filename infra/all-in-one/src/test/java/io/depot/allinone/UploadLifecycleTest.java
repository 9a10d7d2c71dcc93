package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** A file's whole path: initiate, parts, complete, metadata, download, against the real servers. */
class UploadLifecycleTest extends EndToEndTest {

    private static final int SIZE = 64 * MIB;
    private static final long PART = 5L * MIB;

    @Test
    void uploadsThroughPresignedUrlsAndDownloadsTheSameBytes() {
        String alice = api.token("alice");
        byte[] data = randomBytes(SIZE, 1);
        JsonNode upload = initiate(alice, uniqueName("presigned"), SIZE, PART, null);
        String uploadId = upload.get("upload_id").asText();
        String fileId = upload.get("file_id").asText();
        assertThat(upload.get("part_size").asLong()).isEqualTo(PART);
        assertThat(upload.get("presigned_urls")).hasSize(13);

        for (int part = 1; part <= 13; part++) {
            String etag = putPresigned(upload.get("presigned_urls").get(part - 1).asText(), slice(data, PART, part));
            report(alice, uploadId, part, etag);
        }
        JsonNode completed = complete(alice, uploadId);
        assertThat(completed.get("file_id").asText()).isEqualTo(fileId);
        assertThat(completed.get("version").asLong()).isEqualTo(1);

        JsonNode file = awaitFile(alice, fileId, 1);
        assertThat(file.get("owner_id").asText()).isEqualTo("alice");
        assertThat(file.get("size").asLong()).isEqualTo(SIZE);
        assertThat(file.get("upload_status").asText()).isEqualTo("available");
        assertThat(file.get("public").asBoolean()).isFalse();
        assertThat(file.get("sha256").asText()).as("computed by the finalize saga").isEqualTo(sha256(data));
        assertThat(sha256(download(alice, fileId))).isEqualTo(sha256(data));
        assertThat(eventTypes(uploadId)).startsWith("UploadInitiatedEvent").endsWith("UploadCompletedEvent")
                .filteredOn("PartUploadedEvent"::equals).hasSize(13);
        // No scanner is configured: the verified version's content is linked to its blob and it is available at
        // once, and says it was not scanned.
        assertThat(eventTypes(fileId)).containsExactly("FileVersionedEvent", "FileVersionVerifiedEvent",
                "FileVersionContentLinkedEvent", "FileVersionAvailableEvent");
        assertThat(file.get("scan").asText()).isEqualTo("not_configured");
    }

    @Test
    void completesWithThePartListAloneAsS3ClientsDo() {
        String alice = api.token("alice");
        byte[] data = randomBytes(12 * MIB, 3);
        JsonNode upload = initiate(alice, uniqueName("s3-style"), data.length, PART, null);
        String uploadId = upload.get("upload_id").asText();
        List<Map<String, Object>> parts = new ArrayList<>();
        for (int part = 1; part <= 3; part++) {
            String etag = putPresigned(upload.get("presigned_urls").get(part - 1).asText(), slice(data, PART, part));
            parts.add(Map.of("part_number", part, "etag", etag));
            if (part == 2) {
                report(alice, uploadId, part, etag); // a client may report some parts and not others
            }
        }
        Api.Response r = api.post("/v1/uploads/" + uploadId + "/complete", alice, Map.of("parts", parts));
        assertThat(r.status()).as(r.body()).isEqualTo(200);

        String fileId = r.json().get("file_id").asText();
        awaitFile(alice, fileId, 1);
        assertThat(sha256(download(alice, fileId))).isEqualTo(sha256(data));
        assertThat(eventTypes(uploadId)).containsExactly("UploadInitiatedEvent", "PartUploadedEvent",
                "PartUploadedEvent", "PartUploadedEvent", "UploadCompletedEvent");
        assertThat(jdbc.queryForList("SELECT payload FROM DomainEventEntry WHERE aggregateIdentifier = ? AND "
                        + "payloadType LIKE '%PartUploadedEvent' ORDER BY sequenceNumber", byte[].class, uploadId).stream()
                .map(payload -> new String(payload, java.nio.charset.StandardCharsets.UTF_8)))
                .as("part 2 as reported, then the unreported parts 1 and 3")
                .satisfiesExactly(p2 -> assertThat(p2).contains("\"partNumber\":2"),
                        p1 -> assertThat(p1).contains("\"partNumber\":1"),
                        p3 -> assertThat(p3).contains("\"partNumber\":3"));
    }

    @Test
    void everyDownloadUrlIsRecordedWithoutGrowingTheFilesHistory() {
        String alice = api.token("alice");
        byte[] data = randomBytes(100, 8);
        String fileId = uploadSmall(alice, uniqueName("audited"), data);
        List<String> history = eventTypes(fileId);

        for (int i = 0; i < 3; i++) {
            assertThat(download(alice, fileId)).isEqualTo(data);
        }
        List<String> downloads = jdbc.queryForList("SELECT payload FROM DomainEventEntry WHERE payloadType = ?",
                byte[].class, "io.depot.file.FileDownloadedEvent").stream()
                .map(p -> new String(p, java.nio.charset.StandardCharsets.UTF_8))
                .filter(p -> p.contains(fileId))
                .toList();
        assertThat(downloads).hasSize(3).allSatisfy(event -> assertThat(event)
                .contains("\"userId\":\"alice\"", "\"clientAddress\":\"127.0.0.1\"", "\"version\":1"));
        assertThat(eventTypes(fileId)).isEqualTo(history);
    }

    @Test
    void uploadsThroughTheServiceWithADeclaredChecksum() {
        String alice = api.token("alice");
        byte[] data = randomBytes(SIZE, 2);
        JsonNode upload = initiate(alice, uniqueName("streamed"), SIZE, PART, sha256(data));
        String uploadId = upload.get("upload_id").asText();

        for (int part = 1; part <= 13; part++) {
            Api.Response r = api.put("/v1/uploads/" + uploadId + "/parts/" + part, alice, slice(data, PART, part));
            assertThat(r.status()).as(r.body()).isEqualTo(200);
            assertThat(r.json().get("size").asLong()).isEqualTo(slice(data, PART, part).length);
        }
        JsonNode completed = complete(alice, uploadId);
        assertThat(completed.get("sha256").asText()).isEqualTo(sha256(data));

        String fileId = upload.get("file_id").asText();
        JsonNode file = awaitFile(alice, fileId, 1);
        assertThat(file.get("sha256").asText()).isEqualTo(sha256(data));
        assertThat(sha256(download(alice, fileId))).isEqualTo(sha256(data));
    }

    @Test
    void progressIsStreamedUntilTheUploadCompletes() throws Exception {
        String alice = api.token("alice");
        byte[] data = randomBytes(12 * MIB, 9);
        JsonNode upload = initiate(alice, uniqueName("progress"), data.length, PART, null);
        String uploadId = upload.get("upload_id").asText();
        List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
        var stream = java.net.http.HttpClient.newHttpClient().sendAsync(
                java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + port
                                + "/v1/uploads/" + uploadId + "/progress"))
                        .header("Authorization", "Bearer " + alice).header("Accept", "text/event-stream").build(),
                java.net.http.HttpResponse.BodyHandlers.ofLines());
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(stream::isDone);
        var lineStream = stream.get();
        assertThat(lineStream.statusCode()).isEqualTo(200);
        var reader = java.util.concurrent.CompletableFuture.runAsync(() -> lineStream.body().forEach(lines::add));

        for (int part = 1; part <= 3; part++) {
            assertThat(api.put("/v1/uploads/" + uploadId + "/parts/" + part, alice, slice(data, PART, part)).status())
                    .isEqualTo(200);
            int done = part;
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() ->
                    lines.stream().anyMatch(l -> l.contains("\"parts_uploaded\":" + done)));
        }
        complete(alice, uploadId);
        reader.get(10, java.util.concurrent.TimeUnit.SECONDS);

        List<JsonNode> reports = lines.stream().filter(l -> l.startsWith("data:"))
                .map(l -> new Api.Response(200, "application/json", l.substring(5), Map.of()).json())
                .toList();
        assertThat(lines).contains("event:progress");
        assertThat(reports).extracting(r -> r.get("bytes_uploaded").asLong()).isSorted()
                .contains(0L, PART, 2 * PART, (long) data.length);
        assertThat(reports.get(reports.size() - 1).get("status").asText()).isEqualTo("completed");
        assertThat(reports.get(reports.size() - 1).get("version").asLong()).isEqualTo(1);
    }

    @Test
    void aDownloadUrlServesRangeRequests() {
        String alice = api.token("alice");
        byte[] data = randomBytes(1000, 3);
        String fileId = uploadSmall(alice, uniqueName("range"), data);

        String url = api.get("/v1/files/" + fileId + "/download", alice).json().get("url").asText();
        var range = api.getUrl(url, Map.of("Range", "bytes=100-199"));
        assertThat(range.statusCode()).isEqualTo(206);
        assertThat(range.body()).isEqualTo(java.util.Arrays.copyOfRange(data, 100, 200));
    }

    @Test
    void resumesFromTheServerAfterTheClientForgetsEverything() {
        String alice = api.token("alice");
        byte[] data = randomBytes(SIZE, 4);
        JsonNode upload = initiate(alice, uniqueName("resume"), SIZE, PART, null);
        String uploadId = upload.get("upload_id").asText();
        for (int part = 1; part <= 6; part++) {
            String etag = putPresigned(upload.get("presigned_urls").get(part - 1).asText(), slice(data, PART, part));
            report(alice, uploadId, part, etag);
        }
        upload = null; // the client crashed: all it kept is the upload id

        JsonNode state = api.get("/v1/uploads/" + uploadId, alice).json();
        assertThat(state.get("status").asText()).isEqualTo("in_progress");
        assertThat(state.get("bytes_uploaded").asLong()).isEqualTo(6 * PART);
        assertThat(state.get("parts_uploaded")).hasSize(6);
        List<Integer> missing = new ArrayList<>();
        state.get("missing_parts").forEach(n -> missing.add(n.asInt()));
        assertThat(missing).containsExactly(7, 8, 9, 10, 11, 12, 13);
        long partSize = state.get("part_size").asLong();
        for (JsonNode url : state.get("presigned_urls")) {
            int part = url.get("part_number").asInt();
            String etag = putPresigned(url.get("url").asText(), slice(data, partSize, part));
            report(alice, uploadId, part, etag);
        }
        JsonNode completed = complete(alice, uploadId);
        String fileId = completed.get("file_id").asText();
        awaitFile(alice, fileId, 1);
        assertThat(sha256(download(alice, fileId))).isEqualTo(sha256(data));
    }

    @Test
    void completingTwiceReturnsTheSameVersion() {
        String alice = api.token("alice");
        byte[] data = randomBytes(2048, 5);
        JsonNode upload = initiate(alice, uniqueName("twice"), data.length, null, null);
        putSingle(upload, data);
        String uploadId = upload.get("upload_id").asText();

        JsonNode first = complete(alice, uploadId);
        JsonNode second = complete(alice, uploadId);
        assertThat(second).isEqualTo(first);
        assertThat(eventTypes(first.get("file_id").asText())).filteredOn("FileVersionedEvent"::equals).hasSize(1);
        assertThat(eventTypes(uploadId)).filteredOn("UploadCompletedEvent"::equals).hasSize(1);
    }

    @Test
    void aSecondUploadOfTheSameNameIsANewVersion() {
        String alice = api.token("alice");
        String name = uniqueName("versions");
        String fileId = null;
        for (int version = 1; version <= 2; version++) {
            byte[] data = randomBytes(100 * version, version);
            JsonNode upload = initiate(alice, name, data.length, null, null);
            putSingle(upload, data);
            JsonNode completed = complete(alice, upload.get("upload_id").asText());
            assertThat(completed.get("version").asLong()).isEqualTo(version);
            fileId = completed.get("file_id").asText();
        }
        JsonNode file = awaitFile(alice, fileId, 2);
        assertThat(file.get("size").asLong()).isEqualTo(200);
        assertThat(download(alice, fileId)).isEqualTo(randomBytes(200, 2));
    }

    @Test
    void abortingReleasesTheMultipartUpload() {
        String alice = api.token("alice");
        byte[] data = randomBytes(12 * MIB, 6);
        JsonNode upload = initiate(alice, uniqueName("abort"), data.length, PART, null);
        String uploadId = upload.get("upload_id").asText();
        putPresigned(upload.get("presigned_urls").get(0).asText(), slice(data, PART, 1));
        String fileId = upload.get("file_id").asText();
        assertThat(stored().multipartUploads()).anyMatch(key -> key.contains(uploadId));

        assertThat(api.delete("/v1/uploads/" + uploadId, alice).status()).isEqualTo(204);
        assertThat(stored().multipartUploads()).noneMatch(key -> key.contains(uploadId));
        assertThat(api.get("/v1/uploads/" + uploadId, alice).json().get("status").asText()).isEqualTo("aborted");
        Api.Response late = api.post("/v1/uploads/" + uploadId + "/complete", alice, null);
        assertThat(late.status()).isEqualTo(409);
        assertThat(late.isProblem()).isTrue();
        assertThat(eventTypes(uploadId)).endsWith("UploadAbortedEvent");
        assertThat(eventTypes(fileId)).isEmpty();
    }

    @Test
    void deletingAFileRemovesItsObjectsAndItsListing() {
        String alice = api.token("alice");
        String fileId = uploadSmall(alice, uniqueName("delete"), randomBytes(500, 7));
        assertThat(stored().objects()).anyMatch(key -> key.contains(fileId));

        assertThat(api.delete("/v1/files/" + fileId, alice).status()).isEqualTo(204);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> api.get("/v1/files/" + fileId, alice).status() == 404);
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(15))
                .until(() -> stored().objects().stream().noneMatch(key -> key.contains(fileId)));
        assertThat(api.get("/v1/users/alice/files?size=100", alice).body()).doesNotContain(fileId);
        assertThat(api.delete("/v1/files/" + fileId, alice).status()).isEqualTo(204);
    }
}
