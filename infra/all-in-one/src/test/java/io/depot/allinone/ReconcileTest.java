package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.file.StorageClass;
import io.depot.upload.AbortReason;
import io.depot.upload.UploadAbortedEvent;
import org.axonframework.common.caching.Cache;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.lang.ref.Reference;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Reconcile runs on the real stores: damage that only an operator (or a broken disk) could cause is made
 * directly in storage, and an operator's run finds each piece, records it, and repairs or quarantines it.
 */
class ReconcileTest extends EndToEndTest {

    @Autowired
    S3AsyncClient s3;

    @Autowired
    @Qualifier("uploadSessionCache")
    Cache uploadSessionCache;

    @Test
    void aRunFindsOrphansMissingAndCorruptObjectsAndStrayUploadsAndRepairsThem() {
        String admin = api.token("ops", "admin");
        String user = api.token("rita");
        // Whatever earlier tests left behind is consistent: a run finds nothing.
        assertThat(findings(runToEnd(admin))).isEmpty();

        byte[] healthyBytes = randomBytes(64 * 1024, 91);
        String healthy = uploadSmall(user, uniqueName("healthy"), healthyBytes);
        String corrupt = uploadSmall(user, uniqueName("corrupt"), randomBytes(64 * 1024, 92));
        String missing = uploadSmall(user, uniqueName("missing"), randomBytes(64 * 1024, 93));
        JsonNode liveMultipart = initiate(user, uniqueName("live"), 12L * MIB, 5L * MIB, null);
        JsonNode liveSingle = initiate(user, uniqueName("live-single"), 1000, null, null);
        putSingle(liveSingle, randomBytes(1000, 94));
        awaitProjectionsCaughtUp();

        String corruptKey = objectKey(corrupt);
        String missingKey = objectKey(missing);
        put(corruptKey, randomBytes(64 * 1024, 95));
        storage.delete(missingKey).block(Duration.ofSeconds(30));
        String orphanKey = "objects/" + UUID.randomUUID() + "/" + UUID.randomUUID();
        put(orphanKey, randomBytes(2048, 96));
        // A multipart upload left on the key of a session that was aborted (its release came too early or failed).
        JsonNode aborted = initiate(user, uniqueName("aborted"), 12L * MIB, 5L * MIB, null);
        assertThat(api.delete("/v1/uploads/" + aborted.get("upload_id").asText(), user).status()).isEqualTo(204);
        awaitProjectionsCaughtUp();
        String strayKey = multipartKey(aborted);
        storage.createMultipartUpload(strayKey, "application/octet-stream", StorageClass.STANDARD)
                .block(Duration.ofSeconds(30));

        JsonNode report = runToEnd(admin);
        awaitProjectionsCaughtUp();

        assertThat(findings(report)).extracting(f -> f.get("kind").asText(), f -> f.get("outcome").asText(),
                        f -> f.get("object_key").asText())
                .containsExactlyInAnyOrder(
                        tuple("ORPHAN_OBJECT", "QUARANTINED", orphanKey),
                        tuple("MISSING_OBJECT", "REPAIRED", missingKey),
                        tuple("STRAY_MULTIPART_UPLOAD", "REPAIRED", strayKey),
                        tuple("CHECKSUM_MISMATCH", "QUARANTINED", corruptKey));
        assertThat(report.get("finding_counts").get("ORPHAN_OBJECT").asLong()).isEqualTo(1);
        // The healthy, corrupt and orphaned objects at least (the live uploads are unfinished multipart uploads, not
        // objects); earlier tests sharing the application may have left more.
        assertThat(report.get("checked").get("objects").asLong()).isGreaterThanOrEqualTo(3);
        assertThat(report.get("checked").get("sampled").asLong()).isGreaterThanOrEqualTo(2);

        List<String> objects = storage.listKeys("").collectList().block(Duration.ofSeconds(30));
        assertThat(objects).doesNotContain(orphanKey, corruptKey)
                .contains("quarantine/" + orphanKey, "quarantine/" + corruptKey, objectKey(healthy));
        // A single-part upload in progress is a one-part multipart upload too: open uploads are left alone.
        List<String> multipartUploads = storage.listMultipartUploads().collectList().block(Duration.ofSeconds(30));
        assertThat(multipartUploads).doesNotContain(strayKey)
                .contains(multipartKey(liveMultipart), liveSingleKey(liveSingle));

        JsonNode corruptFile = api.get("/v1/files/" + corrupt, user).json();
        assertThat(corruptFile.get("upload_status").asText()).isEqualTo("failed");
        assertThat(corruptFile.get("failure_reason").asText()).contains("SHA-256", "quarantined");
        assertThat(corruptFile.hasNonNull("downloadable_version")).isFalse();
        assertThat(api.get("/v1/files/" + corrupt + "/download", user).status()).isEqualTo(409);
        JsonNode missingFile = api.get("/v1/files/" + missing, user).json();
        assertThat(missingFile.get("upload_status").asText()).isEqualTo("failed");
        assertThat(missingFile.get("failure_reason").asText()).contains("missing from storage");
        assertThat(download(user, healthy)).isEqualTo(healthyBytes);

        String runId = report.get("run_id").asText();
        List<String> runEvents = eventTypes(runId);
        assertThat(runEvents).first().isEqualTo("ReconcileRunStartedEvent");
        assertThat(runEvents).last().isEqualTo("ReconcileRunFinishedEvent");
        assertThat(runEvents).filteredOn("ReconcileFindingRecordedEvent"::equals).hasSize(4);
        assertThat(eventTypes(corrupt)).last().isEqualTo("FileVersionFailedEvent");
        assertThat(eventTypes(missing)).last().isEqualTo("FileVersionFailedEvent");
        assertThat(eventTypes(healthy)).doesNotContain("FileVersionFailedEvent");

        // Repairs hold: the next run finds nothing, and the runs are listed newest first.
        JsonNode again = runToEnd(admin);
        assertThat(findings(again)).isEmpty();
        JsonNode listed = api.get("/v1/admin/reconcile-runs?size=2", admin).json();
        assertThat(listed.get("items")).extracting(r -> r.get("run_id").asText())
                .containsExactly(again.get("run_id").asText(), runId);
        assertThat(listed.get("items").get(0).get("trigger").asText()).isEqualTo("OPERATOR");
        assertThat(listed.get("items").get(0).get("requested_by").asText()).isEqualTo("ops");
    }

    /**
     * Another instance aborts a session this instance still holds in its aggregate cache, and an object lands on the
     * session's key afterwards: the run sees the session as the event store has it (ended) and quarantines the
     * object, where the cached session (still open) would have kept it. A key whose ids name the wrong kinds of
     * aggregate is an orphan too, not a failed run.
     */
    @Test
    void aSessionAnotherInstanceEndedIsSeenEndedThoughThisInstanceCachesItOpen() {
        String admin = api.token("ops", "admin");
        String user = api.token("rita");
        JsonNode upload = initiate(user, uniqueName("ended-elsewhere"), 12L * MIB, 5L * MIB, null);
        String uploadId = upload.get("upload_id").asText();
        // Held here so that the weakly referenced cache entry of the open session stays for the whole test.
        Object cachedOpenSession = uploadSessionCache.get(uploadId);
        assertThat(cachedOpenSession).isNotNull();
        String key = multipartKey(upload);
        String storageUploadId = java.net.URI.create(upload.get("presigned_urls").get(0).asText()).getQuery()
                .replaceAll(".*uploadId=([^&]*).*", "$1");
        eventStore.publish(new GenericDomainEventMessage<>("UploadSession", uploadId,
                eventStore.lastSequenceNumberFor(uploadId).orElseThrow() + 1,
                new UploadAbortedEvent(uploadId, "rita", key, storageUploadId, AbortReason.CLIENT_ABORTED,
                        Instant.now())));
        awaitProjectionsCaughtUp();
        put(key, randomBytes(1024, 98));
        // A key Depot never makes, naming the session as a file and a file as a session: neither aggregate holds it.
        String file = uploadSmall(user, uniqueName("crossed"), randomBytes(1024, 99));
        awaitProjectionsCaughtUp();
        String crossedKey = "objects/" + uploadId + "/" + file;
        put(crossedKey, randomBytes(1024, 100));
        assertThat(uploadSessionCache.containsKey(uploadId)).isTrue();

        JsonNode report = runToEnd(admin);

        assertThat(findings(report)).extracting(f -> f.get("kind").asText(), f -> f.get("outcome").asText(),
                        f -> f.get("object_key").asText())
                .containsExactlyInAnyOrder(tuple("ORPHAN_OBJECT", "QUARANTINED", key),
                        tuple("ORPHAN_OBJECT", "QUARANTINED", crossedKey));
        Reference.reachabilityFence(cachedOpenSession);
    }

    @Test
    void onlyAdminsStartRunsAndReadReports() {
        long events = stored().events();
        Api.Response anonymous = api.post("/v1/admin/reconcile-runs", null, null);
        assertThat(anonymous.status()).isEqualTo(401);
        assertThat(anonymous.isProblem()).isTrue();

        String user = api.token("mallory");
        Api.Response forbidden = api.post("/v1/admin/reconcile-runs", user, null);
        assertThat(forbidden.status()).isEqualTo(403);
        assertThat(forbidden.isProblem()).isTrue();
        assertThat(forbidden.json().get("code").asText()).isEqualTo("forbidden");
        assertThat(api.get("/v1/admin/reconcile-runs", user).status()).isEqualTo(403);
        assertThat(stored().events()).isEqualTo(events);

        String admin = api.token("ops", "admin");
        Api.Response unknown = api.get("/v1/admin/reconcile-runs/" + UUID.randomUUID(), admin);
        assertThat(unknown.status()).isEqualTo(404);
        assertThat(unknown.isProblem()).isTrue();
        assertThat(api.post("/v1/dev/tokens", null, Map.of("user_id", "x", "roles", List.of("root"))).status())
                .isEqualTo(400);
    }

    @Test
    void aCopyMadePartByPartKeepsEveryByteAndLeavesNoUpload() {
        byte[] data = randomBytes(11 * MIB, 97);
        String source = "objects/" + UUID.randomUUID() + "/" + UUID.randomUUID();
        put(source, data);
        storage.copyInParts(source, "quarantine/" + source, data.length, 5L * MIB).block(Duration.ofSeconds(60));
        assertThat(storage.sha256("quarantine/" + source).block(Duration.ofSeconds(30))).isEqualTo(sha256(data));
        assertThat(storage.listMultipartUploads().collectList().block(Duration.ofSeconds(30)))
                .doesNotContain("quarantine/" + source);
        storage.delete(source).then(storage.delete("quarantine/" + source)).block(Duration.ofSeconds(30));
    }

    /** Starts a run as an operator and waits for its report to show it ended. */
    private static List<JsonNode> findings(JsonNode report) {
        List<JsonNode> findings = new ArrayList<>();
        report.get("findings").forEach(findings::add);
        return findings;
    }

    private static String liveSingleKey(JsonNode upload) {
        return keyInUrl(upload.get("presigned_url").asText());
    }

    private static String multipartKey(JsonNode upload) {
        return keyInUrl(upload.get("presigned_urls").get(0).asText());
    }

    private static String keyInUrl(String url) {
        String path = java.net.URI.create(url).getPath();
        return path.substring(path.indexOf("/objects/") + 1);
    }

    private void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket(storage.bucket()).key(key), AsyncRequestBody.fromBytes(bytes)).join();
    }
}
