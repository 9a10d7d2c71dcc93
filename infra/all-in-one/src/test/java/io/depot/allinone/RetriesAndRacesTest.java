package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Load balancers retry POSTs and clients race each other: retried commands must not run twice, and racing
 * ones must lose nothing. Every race here runs real HTTP clients in parallel.
 */
class RetriesAndRacesTest extends EndToEndTest {

    @Test
    void aRetriedInitiateWithTheSameKeyGetsTheFirstAnswer() {
        String alice = api.token("alice");
        var body = Map.of("filename", uniqueName("retry"), "content_type", "application/octet-stream", "size", 10);
        var key = Map.of("Idempotency-Key", java.util.UUID.randomUUID().toString());

        Api.Response first = api.post("/v1/uploads/initiate", alice, body, key);
        Api.Response retry = api.post("/v1/uploads/initiate", alice, body, key);
        assertThat(first.status()).as(first.body()).isEqualTo(201);
        assertThat(retry.status()).isEqualTo(201);
        assertThat(retry.json().get("upload_id")).isEqualTo(first.json().get("upload_id"));
        assertThat(retry.headers().get("location")).isEqualTo(first.headers().get("location"));
        assertThat(retry.headers()).containsKey("idempotent-replayed");
        assertThat(eventTypes(first.json().get("upload_id").asText())).containsExactly("UploadInitiatedEvent");

        Api.Response other = api.post("/v1/uploads/initiate", alice, Map.of("filename", uniqueName("other"),
                "content_type", "application/octet-stream", "size", 10), key);
        assertThat(other.status()).isEqualTo(409);
        assertThat(other.json().get("code").asText()).isEqualTo("idempotency-key-reused");

        String bob = api.token("bob");
        Api.Response bobs = api.post("/v1/uploads/initiate", bob, body, key);
        assertThat(bobs.status()).isEqualTo(201);
        assertThat(bobs.json().get("upload_id")).isNotEqualTo(first.json().get("upload_id"));
    }

    @Test
    void parallelRetriesOfOneInitiateMakeOneUpload() throws Exception {
        String alice = api.token("alice");
        var body = Map.of("filename", uniqueName("storm"), "content_type", "application/octet-stream", "size", 10);
        var key = Map.of("Idempotency-Key", java.util.UUID.randomUUID().toString());
        List<Api.Response> responses = parallel(8, i -> api.post("/v1/uploads/initiate", alice, body, key));

        List<String> created = responses.stream().filter(r -> r.status() == 201)
                .map(r -> r.json().get("upload_id").asText()).distinct().toList();
        assertThat(created).hasSize(1);
        assertThat(responses).allSatisfy(r -> assertThat(r.status()).isIn(201, 409));
        assertThat(responses).filteredOn(r -> r.status() == 409)
                .allSatisfy(r -> assertThat(r.json().get("code").asText()).isEqualTo("idempotency-key-in-progress"));
    }

    @Test
    void racingCompletesOfOneUploadMakeOneVersion() throws Exception {
        String alice = api.token("alice");
        byte[] data = randomBytes(12 * MIB, 41);
        JsonNode upload = initiate(alice, uniqueName("race"), data.length, 5L * MIB, sha256(data));
        String uploadId = upload.get("upload_id").asText();
        for (int part = 1; part <= 3; part++) {
            report(alice, uploadId, part, putPresigned(upload.get("presigned_urls").get(part - 1).asText(),
                    slice(data, 5L * MIB, part)));
        }
        List<Api.Response> responses = parallel(4, i -> api.post("/v1/uploads/" + uploadId + "/complete", alice, null));

        assertThat(responses).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
        assertThat(responses).extracting(r -> r.json().get("version").asLong()).containsOnly(1L);
        String fileId = upload.get("file_id").asText();
        assertThat(eventTypes(fileId)).filteredOn("FileVersionedEvent"::equals).hasSize(1);
        assertThat(eventTypes(uploadId)).filteredOn("UploadCompletedEvent"::equals).hasSize(1);
        assertThat(sha256(download(alice, fileId))).isEqualTo(sha256(data));
    }

    /**
     * A complete resent after the first one closed the session (its instance died before answering), while the
     * upload-sessions read model still shows the session open with its parts unreported: recording those parts is
     * refused by the closed session, and the resent complete still answers what the first did.
     */
    @Test
    void aCompleteResentWhileTheReadModelLagsAnswersTheFirstCompletesVersion() {
        String alice = api.token("alice");
        byte[] data = randomBytes(6 * MIB, 420);
        JsonNode upload = initiate(alice, uniqueName("unreported"), data.length, 5L * MIB, null);
        String uploadId = upload.get("upload_id").asText();
        for (int part = 1; part <= 2; part++) {
            putPresigned(upload.get("presigned_urls").get(part - 1).asText(), slice(data, 5L * MIB, part));
        }
        awaitProjectionsCaughtUp();
        var sessions = processing.eventProcessor("upload-sessions", StreamingEventProcessor.class).orElseThrow();
        sessions.shutDown();
        try {
            Api.Response first = api.post("/v1/uploads/" + uploadId + "/complete", alice, null);
            assertThat(first.status()).as(first.body()).isEqualTo(200);
            Api.Response resent = api.post("/v1/uploads/" + uploadId + "/complete", alice, null);
            assertThat(resent.status()).as(resent.body()).isEqualTo(200);
            assertThat(resent.json().get("version").asLong()).isEqualTo(first.json().get("version").asLong());
            assertThat(resent.json().get("file_id").asText()).isEqualTo(first.json().get("file_id").asText());
        } finally {
            sessions.start();
        }
        assertThat(eventTypes(uploadId)).filteredOn("UploadCompletedEvent"::equals).hasSize(1);
    }

    @Test
    void concurrentUploadsOfOneNameBecomeSuccessiveVersions() throws Exception {
        String alice = api.token("alice");
        String name = uniqueName("same-name");
        int clients = 4;
        List<JsonNode> uploads = new ArrayList<>();
        for (int i = 0; i < clients; i++) {
            JsonNode upload = initiate(alice, name, 1000 + i, null, null);
            putSingle(upload, randomBytes(1000 + i, 50 + i));
            uploads.add(upload);
        }
        List<Api.Response> completed = parallel(clients, i ->
                api.post("/v1/uploads/" + uploads.get(i).get("upload_id").asText() + "/complete", alice, null));

        assertThat(completed).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
        assertThat(completed).extracting(r -> r.json().get("version").asLong())
                .containsExactlyInAnyOrder(1L, 2L, 3L, 4L);
        String fileId = completed.get(0).json().get("file_id").asText();
        assertThat(eventTypes(fileId)).filteredOn("FileVersionedEvent"::equals).hasSize(clients);
        int lastClient = IntStream.range(0, clients)
                .filter(i -> completed.get(i).json().get("version").asLong() == clients).findFirst().orElseThrow();
        JsonNode file = awaitFile(alice, fileId, clients);
        assertThat(file.get("size").asLong()).isEqualTo(1000 + lastClient);
        assertThat(download(alice, fileId)).isEqualTo(randomBytes(1000 + lastClient, 50 + lastClient));
    }

    @Test
    void concurrentPartReportsOnOneUploadAreAllKept() throws Exception {
        String alice = api.token("alice");
        int parts = 8;
        byte[] data = randomBytes(parts * 5 * MIB, 61);
        JsonNode upload = initiate(alice, uniqueName("parallel-parts"), data.length, 5L * MIB, null);
        String uploadId = upload.get("upload_id").asText();
        List<Api.Response> reports = parallel(parts, i -> {
            String etag = putPresigned(upload.get("presigned_urls").get(i).asText(), slice(data, 5L * MIB, i + 1));
            return api.post("/v1/uploads/" + uploadId + "/parts/" + (i + 1), alice, Map.of("etag", etag));
        });
        List<Api.Response> streamed = parallel(parts, i ->
                api.put("/v1/uploads/" + uploadId + "/parts/" + (i + 1), alice, slice(data, 5L * MIB, i + 1)));

        assertThat(reports).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
        assertThat(streamed).allSatisfy(r -> assertThat(r.status()).as(r.body()).isEqualTo(200));
        JsonNode state = api.get("/v1/uploads/" + uploadId, alice).json();
        assertThat(state.get("parts_uploaded")).hasSize(parts);
        assertThat(state.get("missing_parts")).isEmpty();
        String fileId = complete(alice, uploadId).get("file_id").asText();
        assertThat(sha256(download(alice, fileId))).isEqualTo(sha256(data));
    }

    interface Call {
        Api.Response run(int i) throws Exception;
    }

    /** Runs {@code n} calls at once, released together, and returns their responses in order. */
    private static List<Api.Response> parallel(int n, Call call) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(n);
        try {
            var start = new java.util.concurrent.CountDownLatch(1);
            List<Future<Api.Response>> futures = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                int index = i;
                futures.add(pool.submit((Callable<Api.Response>) () -> {
                    start.await();
                    return call.run(index);
                }));
            }
            start.countDown();
            List<Api.Response> responses = new ArrayList<>();
            for (Future<Api.Response> f : futures) {
                responses.add(f.get());
            }
            return responses;
        } finally {
            pool.shutdownNow();
        }
    }
}
