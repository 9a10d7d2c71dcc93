package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Idempotency keys hold from the first request on: an answer a client received is always replayed, a client that
 * leaves early does not leave its key stuck, a claim left by a dead process runs out, a lost answer never makes a
 * second upload, and the body of a keyed request is read only up to the JSON limit.
 */
class IdempotencyTest extends EndToEndTest {

    @Test
    void everyAnswerAClientReceivedIsReplayedAtOnce() throws Exception {
        String token = api.token("kim");
        for (int i = 0; i < 20; i++) {
            String key = UUID.randomUUID().toString();
            String body = Api.write(Map.of("filename", uniqueName("replayed"), "content_type", "text/plain", "size", 10));
            // The client reads its answer and hangs up at once, as a client with Connection: close does.
            String first = raw(key, token, body, true);
            assertThat(first).startsWith("HTTP/1.1 201");
            Api.Response retry = api.post("/v1/uploads/initiate", token, Api.JSON.readTree(body), Map.of("Idempotency-Key", key));
            assertThat(retry.status()).as(retry.body()).isEqualTo(201);
            assertThat(retry.headers()).containsKey("idempotent-replayed");
            assertThat(first).contains(retry.json().get("upload_id").asText());
        }
    }

    @Test
    void aClientThatLeavesBeforeItsAnswerFindsItOnRetry() throws Exception {
        String token = api.token("kim");
        String key = UUID.randomUUID().toString();
        String filename = uniqueName("left-early");
        String body = Api.write(Map.of("filename", filename, "content_type", "text/plain", "size", 10));
        long before = initiatedEvents();
        raw(key, token, body, false);

        Api.Response[] retry = new Api.Response[1];
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            retry[0] = api.post("/v1/uploads/initiate", token, Api.JSON.readTree(body), Map.of("Idempotency-Key", key));
            return retry[0].status() != 409;
        });
        // Whether the first request got to run before its client left or not, there is exactly one upload.
        assertThat(retry[0].status()).as(retry[0].body()).isEqualTo(201);
        assertThat(initiatedEvents()).isEqualTo(before + 1);
        Api.Response again = api.post("/v1/uploads/initiate", token, Api.JSON.readTree(body), Map.of("Idempotency-Key", key));
        assertThat(again.headers()).containsKey("idempotent-replayed");
        assertThat(again.json().get("upload_id")).isEqualTo(retry[0].json().get("upload_id"));
    }

    @Test
    void aClaimLeftByADeadProcessRunsOut() {
        String token = api.token("kim");
        String key = UUID.randomUUID().toString();
        var body = Map.of("filename", uniqueName("orphaned-claim"), "content_type", "text/plain", "size", 10);
        // What a process killed mid-request leaves: a claim in progress whose lease nobody renews any more.
        Instant past = Instant.now().minusSeconds(5);
        readModels.getCollection("idempotency_keys").insertOne(new Document("_id", "kim:/v1/uploads/initiate:" + key)
                .append("fingerprint", "unknown").append("in_progress", true).append("created_at", Date.from(past))
                .append("lease_until", Date.from(past)));

        Api.Response r = api.post("/v1/uploads/initiate", token, body, Map.of("Idempotency-Key", key));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
    }

    @Test
    void aLostAnswerNeverMakesASecondUpload() {
        String token = api.token("kim");
        String key = UUID.randomUUID().toString();
        var body = Map.of("filename", uniqueName("lost-answer"), "content_type", "text/plain", "size", 10);
        Api.Response first = api.post("/v1/uploads/initiate", token, body, Map.of("Idempotency-Key", key));
        assertThat(first.status()).isEqualTo(201);
        // The process died after the command and before it stored the answer; the claim's lease ran out.
        readModels.getCollection("idempotency_keys").deleteOne(Filters.eq("_id", "kim:/v1/uploads/initiate:" + key));
        long before = initiatedEvents();

        Api.Response retry = api.post("/v1/uploads/initiate", token, body, Map.of("Idempotency-Key", key));
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.json().get("upload_id")).isEqualTo(first.json().get("upload_id"));
        assertThat(initiatedEvents()).isEqualTo(before);

        readModels.getCollection("idempotency_keys").deleteOne(Filters.eq("_id", "kim:/v1/uploads/initiate:" + key));
        Api.Response other = api.post("/v1/uploads/initiate", token, Map.of("filename", uniqueName("other"),
                "content_type", "text/plain", "size", 10), Map.of("Idempotency-Key", key));
        assertThat(other.status()).as(other.body()).isEqualTo(409);
        assertThat(other.json().get("code").asText()).isEqualTo("idempotency-key-reused");
    }

    @Test
    void aRetryTakesOverTheStorageADeadAttemptPrepared() {
        String token = api.token("kira");
        String key = UUID.randomUUID().toString();
        String filename = uniqueName("dead-attempt");
        // The first attempt's process prepared the multipart upload at the key's object, then died before recording
        // its session.
        String uploadId = UUID.nameUUIDFromBytes(("initiate\0kira\0" + key).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .toString();
        String objectKey = "objects/" + io.depot.file.FileIds.of("kira", filename) + "/" + uploadId;
        String prepared = storage.createMultipartUpload(objectKey, "text/plain", io.depot.file.StorageClass.STANDARD)
                .block(Duration.ofSeconds(30));

        Api.Response retry = api.post("/v1/uploads/initiate", token, Map.of("filename", filename,
                "content_type", "text/plain", "size", 10), Map.of("Idempotency-Key", key));
        assertThat(retry.status()).as(retry.body()).isEqualTo(201);
        assertThat(retry.json().get("upload_id").asText()).isEqualTo(uploadId);
        assertThat(storage.pendingUploads(objectKey).map(io.depot.platform.storage.PendingUpload::storageUploadId)
                .collectList().block(Duration.ofSeconds(30))).containsExactly(prepared);
        putSingle(retry.json(), "0123456789".getBytes(java.nio.charset.StandardCharsets.UTF_8));
        complete(token, uploadId);
        assertThat(storage.pendingUploads(objectKey).collectList().block(Duration.ofSeconds(30))).isEmpty();
    }

    @Test
    void aKeyedBodyIsReadOnlyUpToTheJsonLimit() throws Exception {
        String token = api.token("kim");
        Stored before = stored();
        // A 1.2 GB body is declared and never sent whole: the answer comes without waiting for it.
        String declared = unfinished(token, "Content-Length: 1288490188\r\n", "{\"filename\":\"".getBytes(StandardCharsets.US_ASCII));
        assertThat(declared).startsWith("HTTP/1.1 413").contains("payload-too-large");
        // A chunked body of unknown length is read up to the JSON limit and no further: one chunk past it, and no end.
        byte[] chunk = ("50000\r\n" + "a".repeat(0x50000) + "\r\n").getBytes(StandardCharsets.US_ASCII);
        String chunked = unfinished(token, "Transfer-Encoding: chunked\r\n", chunk);
        assertThat(chunked).startsWith("HTTP/1.1 413").contains("payload-too-large");
        assertThat(stored().events()).isEqualTo(before.events());
    }

    /** A keyed initiate whose body stops after {@code start}; returns what the server answers before the body ends. */
    private String unfinished(String token, String framing, byte[] start) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(15_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/uploads/initiate HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/json\r\nIdempotency-Key: " + UUID.randomUUID() + "\r\n" + framing
                    + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(start);
            out.flush();
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            byte[] buffer = new byte[4096];
            // Until the problem's last member is in, or the server closes: never until the body would have ended.
            while (!answer.toString(StandardCharsets.UTF_8).contains("}")) {
                int read = in.read(buffer);
                if (read < 0) {
                    break;
                }
                answer.write(buffer, 0, read);
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    private long initiatedEvents() {
        Long count = jdbc.queryForObject("SELECT COUNT(*) FROM DomainEventEntry WHERE payloadType LIKE '%UploadInitiatedEvent'",
                Long.class);
        return count == null ? 0 : count;
    }

    /**
     * A keyed initiate over a socket of its own. With {@code readAnswer} the answer is read whole and the socket closed
     * at once; without, the socket is closed as soon as the request is sent.
     */
    private String raw(String key, String token, String body, boolean readAnswer) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        try (Socket socket = new Socket("127.0.0.1", port)) {
            OutputStream out = socket.getOutputStream();
            out.write(("POST /v1/uploads/initiate HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"
                    + "Authorization: Bearer " + token + "\r\nContent-Type: application/json\r\n"
                    + "Idempotency-Key: " + key + "\r\nContent-Length: " + bytes.length + "\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(bytes);
            out.flush();
            if (!readAnswer) {
                return "";
            }
            socket.setSoTimeout(30_000);
            InputStream in = socket.getInputStream();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            in.transferTo(answer);
            return answer.toString(StandardCharsets.UTF_8);
        }
    }
}
