package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.depot.file.RetrievalTier;
import io.depot.worker.tier.ArchiveRetrievalPoll;
import io.depot.worker.tier.LifecycleJob;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.awaitility.Awaitility.await;

/**
 * Storage tiers on the real stores: lifecycle rules run with a "now" the test sets ahead, so versions are 31 and 91
 * days old without a clock that anything else sees; an owner's class request moves and pins a version; an archived
 * version is refused for download until its retrieval is asked for and storage finished it. S3Proxy ignores storage
 * classes and cannot restore archived objects: the classes Depot asks for are read from the requests its S3 client
 * sends, and restores are simulated ({@link SimulatedArchive}).
 */
class StorageTiersTest extends EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    LifecycleJob lifecycle;

    @Autowired
    ArchiveRetrievalPoll retrievals;

    @Autowired
    SimulatedArchive.Archive archive;

    @Autowired
    SimulatedArchive.Writes writes;

    @Autowired
    Clock clock;

    @Autowired
    org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter snapshotter;

    @Test
    void rulesCoolTheCurrentVersionAndArchiveTheSupersededOneWhichIsServedOnlyWhileRetrieved() {
        String token = api.token("tiago");
        String name = uniqueName("ledger");
        byte[] first = randomBytes(40_000, 1701);
        byte[] second = randomBytes(50_000, 1702);
        String id = uploadSmall(token, name, first);
        uploadSmall(token, name, second);
        String key1 = objectKey(token, id, 1);
        String key2 = objectKey(token, id, 2);

        Instant in91Days = clock.instant().plus(Duration.ofDays(91));
        LifecycleJob.Run run = lifecycle.runOnce(in91Days);
        assertThat(run.failed()).isZero();

        assertThat(storageClassChanges(id)).extracting(e -> e.get("version").asLong(), e -> e.get("from").asText(),
                        e -> e.get("to").asText(), e -> e.get("rule").asText(), e -> e.get("objectKey").asText(),
                        StorageTiersTest::released)
                .containsExactlyInAnyOrder(
                        tuple(1L, "STANDARD", "GLACIER", "archive-superseded", key1 + ".glacier", key1),
                        tuple(2L, "STANDARD", "STANDARD_IA", "cool-after-30d", key2 + ".standard_ia", key2));
        assertThat(storageClassChanges(id)).allSatisfy(e -> assertThat(e.get("requestedBy").isNull()).isTrue());
        assertThat(copies(id)).containsExactlyInAnyOrder(
                new SimulatedArchive.Write("CopyObject", key1 + ".glacier", "GLACIER"),
                new SimulatedArchive.Write("CopyObject", key2 + ".standard_ia", "STANDARD_IA"));
        // The copies exist, the released objects are deleted.
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(objectsOf(id))
                .containsExactlyInAnyOrder(key1 + ".glacier", key2 + ".standard_ia"));

        awaitProjectionsCaughtUp();
        JsonNode file = api.get("/v1/files/" + id, token).json();
        assertThat(file.get("storage_class").asText()).isEqualTo("STANDARD_IA");
        assertThat(download(token, id)).isEqualTo(second);
        assertThat(downloadVersion(token, id, 2)).isEqualTo(second);
        JsonNode v1 = api.get("/v1/files/" + id + "/versions/1", token).json();
        assertThat(v1.get("storage_class").asText()).isEqualTo("GLACIER");
        assertThat(v1.get("retrieval").get("status").asText()).isEqualTo("none");
        assertThat(v1.get("pinned").asBoolean()).isFalse();
        Api.Response refused = api.get("/v1/files/" + id + "/versions/1/download", token);
        FileVersionsTest.expectProblem(refused, 409, "version-archived");
        assertThat(refused.json().get("detail").asText()).contains("/v1/files/" + id + "/versions/1/retrieval");

        // A share link of the archived version is refused too.
        Api.Response share = api.post("/v1/files/" + id + "/shares", token, Map.of("expires_in", 3600, "version", 1));
        assertThat(share.status()).as(share.body()).isEqualTo(201);
        String sharePath = "/v1/shares/" + share.json().get("token").asText() + "/download";
        FileVersionsTest.expectProblem(api.get(sharePath, null), 409, "version-archived");

        // Running the rules again changes nothing.
        long events = eventTypes(id).size();
        lifecycle.runOnce(in91Days);
        assertThat(eventTypes(id)).hasSize((int) events);
        assertThat(copies(id)).hasSize(2);

        // A retrieval is asked for once, and the worker asks storage to restore the archived object.
        Api.Response asked = api.post("/v1/files/" + id + "/versions/1/retrieval", token,
                Map.of("days", 2, "tier", "Bulk"));
        assertThat(asked.status()).as(asked.body()).isEqualTo(202);
        assertThat(asked.json().get("status").asText()).isEqualTo("requested");
        assertThat(api.post("/v1/files/" + id + "/versions/1/retrieval", token, Map.of("days", 2)).status())
                .isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> archive.requests.stream()
                .anyMatch(r -> r.key().equals(key1 + ".glacier")));
        assertThat(archive.requests.stream().filter(r -> r.key().startsWith("objects/" + id + "/")))
                .containsExactly(new SimulatedArchive.Restore(key1 + ".glacier", 2, RetrievalTier.BULK));
        awaitProjectionsCaughtUp();
        assertThat(api.get("/v1/files/" + id + "/versions/1", token).json().get("retrieval").get("status").asText())
                .isEqualTo("requested");
        // Still restoring: nothing is recorded, nothing is served.
        retrievals.runOnce(clock.instant());
        assertThat(eventTypes(id)).doesNotContain("FileArchiveRetrievedEvent");
        FileVersionsTest.expectProblem(api.get("/v1/files/" + id + "/versions/1/download", token), 409,
                "version-archived");

        // Restored: served until the copy expires, then refused again, and a retrieval can be asked for again.
        Instant until = clock.instant().plusSeconds(8).truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
        archive.finish(key1 + ".glacier", until);
        assertThat(retrievals.runOnce(clock.instant())).isGreaterThanOrEqualTo(1);
        awaitProjectionsCaughtUp();
        JsonNode retrieved = api.get("/v1/files/" + id + "/versions/1", token).json().get("retrieval");
        assertThat(retrieved.get("status").asText()).isEqualTo("available");
        assertThat(Instant.parse(retrieved.get("available_until").asText())).isEqualTo(until);
        assertThat(downloadVersion(token, id, 1)).isEqualTo(first);
        assertThat(api.get(sharePath, null).status()).isEqualTo(200);
        Api.Response again = api.post("/v1/files/" + id + "/versions/1/retrieval", token, Map.of("days", 1));
        assertThat(again.status()).as(again.body()).isEqualTo(200);
        assertThat(again.json().get("status").asText()).isEqualTo("available");
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.get("/v1/files/" + id + "/versions/1/download", token).status() == 409);
        assertThat(api.get("/v1/files/" + id + "/versions/1", token).json().get("retrieval").get("status").asText())
                .isEqualTo("expired");
        assertThat(api.post("/v1/files/" + id + "/versions/1/retrieval", token, Map.of("days", 1)).status())
                .isEqualTo(202);
        assertThat(eventTypes(id).stream().filter(t -> t.equals("FileArchiveRetrievalRequestedEvent"))).hasSize(2);
    }

    @Test
    void anOwnersClassRequestMovesAndPinsTheVersionAgainstRules() {
        String token = api.token("olga");
        String name = uniqueName("plans");
        byte[] first = randomBytes(30_000, 1711);
        byte[] second = randomBytes(20_000, 1712);
        String id = uploadSmall(token, name, first);
        uploadSmall(token, name, second);
        String key2 = objectKey(token, id, 2);

        Api.Response moving = api.json("PUT", "/v1/files/" + id + "/versions/2/storage-class", token,
                Map.of("storage_class", "onezone_ia"));
        assertThat(moving.status()).as(moving.body()).isEqualTo(202);
        assertThat(moving.json().get("status").asText()).isEqualTo("moving");
        Api.Response stays = api.json("PUT", "/v1/files/" + id + "/versions/1/storage-class", token,
                Map.of("storage_class", "STANDARD"));
        assertThat(stays.status()).as(stays.body()).isEqualTo(200);
        assertThat(stays.json().get("status").asText()).isEqualTo("stored");

        await().atMost(Duration.ofSeconds(30)).until(() -> storageClassChanges(id).size() == 1);
        JsonNode change = storageClassChanges(id).get(0);
        assertThat(change.get("to").asText()).isEqualTo("ONEZONE_IA");
        assertThat(change.get("requestedBy").asText()).isEqualTo("olga");
        assertThat(change.get("rule").isNull()).isTrue();
        assertThat(copies(id)).containsExactly(
                new SimulatedArchive.Write("CopyObject", key2 + ".onezone_ia", "ONEZONE_IA"));
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/files/" + id + "/versions/2", token).json()
                .get("storage_class").asText().equals("ONEZONE_IA"));
        assertThat(api.get("/v1/files/" + id + "/versions/2", token).json().get("pinned").asBoolean()).isTrue();
        assertThat(api.get("/v1/files/" + id + "/versions/1", token).json().get("pinned").asBoolean()).isTrue();
        assertThat(download(token, id)).isEqualTo(second);
        // Asked again: already there.
        assertThat(api.json("PUT", "/v1/files/" + id + "/versions/2/storage-class", token,
                Map.of("storage_class", "ONEZONE_IA")).status()).isEqualTo(200);

        // The history shows who asked and what moved, not where the objects lie.
        JsonNode history = api.get("/v1/files/" + id + "/history", token).json().get("items");
        JsonNode moved = java.util.stream.StreamSupport.stream(history.spliterator(), false)
                .filter(e -> e.get("type").asText().equals("FileVersionStorageClassChanged")).findFirst().orElseThrow();
        assertThat(moved.get("actor").asText()).isEqualTo("olga");
        assertThat(moved.get("details").get("to").asText()).isEqualTo("ONEZONE_IA");
        assertThat(moved.get("details").toString()).doesNotContain("objects/");

        // Rules pass pinned versions by, however old, and the pins outlive a snapshot of the file.
        snapshotter.scheduleSnapshot(io.depot.file.StoredFile.class, id);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM SnapshotEventEntry WHERE aggregateIdentifier = ?", Long.class, id) == 1);
        awaitProjectionsCaughtUp();
        lifecycle.runOnce(clock.instant().plus(Duration.ofDays(400)));
        assertThat(storageClassChanges(id)).hasSize(1);
        assertThat(eventTypes(id)).filteredOn(t -> t.equals("FileVersionStorageClassRequestedEvent")).hasSize(2);
    }

    @Test
    void badTierRequestsGetProblemsAndLeaveNothing() {
        String token = api.token("bruno");
        String id = uploadSmall(token, uniqueName("tiers-bad"), randomBytes(2000, 1721));
        String path = "/v1/files/" + id + "/versions/1";
        Stored before = stored();

        FileVersionsTest.expectProblem(api.json("PUT", path + "/storage-class", token,
                Map.of("storage_class", "GLACIAL")), 400, "validation-failed");
        FileVersionsTest.expectProblem(api.json("PUT", path + "/storage-class", token, Map.of()), 400,
                "validation-failed");
        FileVersionsTest.expectProblem(api.json("PUT", path + "/storage-class", api.token("mallory"),
                Map.of("storage_class", "GLACIER")), 404, "file-not-found");
        FileVersionsTest.expectProblem(api.json("PUT", "/v1/files/" + id + "/versions/9/storage-class", token,
                Map.of("storage_class", "GLACIER")), 404, "version-not-found");
        FileVersionsTest.expectProblem(api.post(path + "/retrieval", token, Map.of("days", 0)), 400, "validation-failed");
        FileVersionsTest.expectProblem(api.post(path + "/retrieval", token, Map.of("days", 31)), 400,
                "validation-failed");
        FileVersionsTest.expectProblem(api.post(path + "/retrieval", token, Map.of("tier", "Instant")), 400,
                "validation-failed");
        FileVersionsTest.expectProblem(api.post(path + "/retrieval", token, Map.of("days", 1)), 409,
                "version-not-archived");

        assertNothingStoredSince(before);

        JsonNode paths = io.depot.platform.testing.ApiDocs.fetch(port).path("paths");
        for (String operation : List.of("/~1v1~1files~1{fileId}~1versions~1{version}~1storage-class/put",
                "/~1v1~1files~1{fileId}~1versions~1{version}~1retrieval/post")) {
            JsonNode responses = paths.at(operation + "/responses");
            assertThat(responses.has("200") && responses.has("202") && responses.has("400") && responses.has("409"))
                    .as(operation + " " + responses).isTrue();
            assertThat(responses.at("/202/content").isEmpty()).as(operation + " 202 body").isFalse();
        }
    }

    /** Cooled after 30 days, a superseded version is archived after 90: from its cooled copy, which goes. */
    @Test
    void aVersionCooledFirstIsArchivedFromItsCooledCopyLater() {
        String token = api.token("tomas");
        String name = uniqueName("minutes");
        byte[] first = randomBytes(5000, 1751);
        String id = uploadSmall(token, name, first);
        uploadSmall(token, name, randomBytes(6000, 1752));
        String key1 = objectKey(token, id, 1);
        String key2 = objectKey(token, id, 2);

        lifecycle.runOnce(clock.instant().plus(Duration.ofDays(31)));
        assertThat(storageClassChanges(id)).extracting(e -> e.get("to").asText()).containsOnly("STANDARD_IA").hasSize(2);
        awaitProjectionsCaughtUp();
        lifecycle.runOnce(clock.instant().plus(Duration.ofDays(91)));

        assertThat(storageClassChanges(id)).extracting(e -> e.get("version").asLong(), e -> e.get("from").asText(),
                        e -> e.get("to").asText(), e -> e.get("previousObjectKey").asText(),
                        e -> e.get("objectKey").asText(), StorageTiersTest::released)
                .containsExactlyInAnyOrder(
                        tuple(1L, "STANDARD", "STANDARD_IA", key1, key1 + ".standard_ia", key1),
                        tuple(2L, "STANDARD", "STANDARD_IA", key2, key2 + ".standard_ia", key2),
                        tuple(1L, "STANDARD_IA", "GLACIER", key1 + ".standard_ia", key1 + ".glacier",
                                key1 + ".standard_ia"));
        assertThat(copies(id)).filteredOn(w -> w.key().equals(key1 + ".glacier"))
                .containsExactly(new SimulatedArchive.Write("CopyObject", key1 + ".glacier", "GLACIER"));
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(objectsOf(id))
                .containsExactlyInAnyOrder(key1 + ".glacier", key2 + ".standard_ia"));
        FileVersionsTest.expectProblem(api.get("/v1/files/" + id + "/versions/1/download", token), 409,
                "version-archived");
    }

    /**
     * Bytes two files share through their blob move into a copy of each file's own: the shared object stays while
     * the other file still uses it (reconcile sees it held, through the blob) and goes with the last reference.
     */
    @Test
    void deduplicatedContentMovesIntoEachFilesOwnCopyAndTheSharedObjectGoesWithTheLastReference() {
        String ines = api.token("ines");
        String jonas = api.token("jonas");
        byte[] bytes = randomBytes(70_000, 1761);
        String inesFile = uploadSmall(ines, uniqueName("shared"), bytes);
        String jonasFile = uploadSmall(jonas, uniqueName("shared-too"), bytes);
        awaitProjectionsCaughtUp();
        String shared = objectKey(inesFile);
        assertThat(objectKey(jonasFile)).isEqualTo(shared);
        String name = shared.substring(shared.lastIndexOf('/') + 1);
        String blob = io.depot.blob.BlobIds.of(io.depot.file.StorageClass.STANDARD, sha256(bytes));
        // Jonas keeps his version where it is, so the rules move only Ines's.
        assertThat(api.json("PUT", "/v1/files/" + jonasFile + "/versions/1/storage-class", jonas,
                Map.of("storage_class", "STANDARD")).status()).isEqualTo(200);
        awaitProjectionsCaughtUp();

        lifecycle.runOnce(clock.instant().plus(Duration.ofDays(31)));

        assertThat(storageClassChanges(inesFile)).singleElement().satisfies(e -> {
            assertThat(e.get("objectKey").asText()).isEqualTo("objects/" + inesFile + "/" + name + ".standard_ia");
            assertThat(e.get("releasedObjectKey").isNull()).isTrue();
            assertThat(e.get("releasedContent").get("blobId").asText()).isEqualTo(blob);
        });
        assertThat(storageClassChanges(jonasFile)).isEmpty();
        awaitProjectionsCaughtUp();
        assertThat(eventTypes(blob)).endsWith("BlobReleasedEvent");
        assertThat(stored().objects()).contains(shared, "objects/" + inesFile + "/" + name + ".standard_ia");
        assertThat(download(ines, inesFile)).isEqualTo(bytes);
        assertThat(download(jonas, jonasFile)).isEqualTo(bytes);
        assertThat(runToEnd(api.token("ops", "admin")).get("findings").toString())
                .doesNotContain(inesFile).doesNotContain(jonasFile);

        // Jonas moves his too: the last reference goes, and the shared object with it.
        assertThat(api.json("PUT", "/v1/files/" + jonasFile + "/versions/1/storage-class", jonas,
                Map.of("storage_class", "STANDARD_IA")).status()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(30)).until(() -> !stored().objects().contains(shared));
        assertThat(storageClassChanges(jonasFile)).extracting(e -> e.get("objectKey").asText())
                .containsExactly("objects/" + jonasFile + "/" + name + ".standard_ia");
        assertThat(eventTypes(blob)).endsWith("BlobReleasedEvent", "BlobReleasedEvent");
        assertThat(download(jonas, jonasFile)).isEqualTo(bytes);
        assertThat(runToEnd(api.token("ops", "admin")).get("findings").toString())
                .doesNotContain(inesFile).doesNotContain(jonasFile);
    }

    /**
     * A move cut short between its copy and its record leaves the copy at its fixed key: the next run writes it
     * again and records it, making no second copy; a copy whose version went meanwhile is nobody's, and reconcile
     * finds and quarantines it.
     */
    @Test
    void aCopyLeftByAMoveCutShortIsWrittenAgainOrFoundAsAnOrphan() {
        String token = api.token("carla");
        byte[] keptBytes = randomBytes(3000, 1741);
        byte[] goneBytes = randomBytes(4000, 1742);
        String kept = uploadSmall(token, uniqueName("cut-short"), keptBytes);
        String gone = uploadSmall(token, uniqueName("cut-short-gone"), goneBytes);
        String keptKey = objectKey(token, kept, 1);
        String goneKey = objectKey(token, gone, 1);
        storage.copy(keptKey, keptKey + ".standard_ia", keptBytes.length, io.depot.file.StorageClass.STANDARD_IA)
                .block(Duration.ofSeconds(30));
        storage.copy(goneKey, goneKey + ".standard_ia", goneBytes.length, io.depot.file.StorageClass.STANDARD_IA)
                .block(Duration.ofSeconds(30));
        assertThat(api.delete("/v1/files/" + gone, token).status()).isEqualTo(204);
        awaitProjectionsCaughtUp();

        lifecycle.runOnce(clock.instant().plus(Duration.ofDays(31)));

        assertThat(storageClassChanges(kept)).extracting(e -> e.get("objectKey").asText())
                .containsExactly(keptKey + ".standard_ia");
        assertThat(storageClassChanges(gone)).isEmpty();
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> assertThat(objectsOf(kept))
                .containsExactly(keptKey + ".standard_ia"));
        assertThat(download(token, kept)).isEqualTo(keptBytes);

        JsonNode report = runToEnd(api.token("ops", "admin"));
        List<JsonNode> findings = new java.util.ArrayList<>();
        report.get("findings").forEach(findings::add);
        assertThat(findings).extracting(f -> f.get("kind").asText(), f -> f.get("outcome").asText(),
                        f -> f.get("object_key").asText())
                .containsExactly(tuple("ORPHAN_OBJECT", "QUARANTINED", goneKey + ".standard_ia"));
        assertThat(objectsOf(gone)).isEmpty();
    }

    /** Objects over 5 GiB move part by part: the multipart upload asks for the class, and keeps the content type. */
    @Test
    void aCopyInPartsAsksForTheClassAndKeepsTheContentType() {
        byte[] content = randomBytes(11 * MIB, 1731);
        String source = "tier-test/" + java.util.UUID.randomUUID();
        String target = source + ".deep_archive";
        storage.put(source, content, "text/csv").block(Duration.ofSeconds(30));

        storage.copyInParts(source, target, content.length, 5L * MIB, io.depot.file.StorageClass.DEEP_ARCHIVE)
                .block(Duration.ofSeconds(60));

        assertThat(writes.to(target)).containsExactly(
                new SimulatedArchive.Write("CreateMultipartUpload", target, "DEEP_ARCHIVE"));
        assertThat(storage.sha256(target).block(Duration.ofSeconds(30))).isEqualTo(sha256(content));
        try (var read = storage.open(target).block(Duration.ofSeconds(30))) {
            assertThat(read.response().contentType()).isEqualTo("text/csv");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        storage.delete(source).then(storage.delete(target)).block(Duration.ofSeconds(30));
    }

    private List<SimulatedArchive.Write> copies(String fileId) {
        return writes.to("objects/" + fileId + "/").stream().filter(w -> w.operation().equals("CopyObject")).toList();
    }

    private String objectKey(String token, String fileId, long version) {
        awaitProjectionsCaughtUp();
        return readModel("files", "file_versions").find(new org.bson.Document("_id", fileId + ":" + version)).first()
                .getString("object_key");
    }

    private List<String> objectsOf(String fileId) {
        return storage.listKeys("objects/" + fileId + "/").filter(k -> !k.endsWith("/")).sort().collectList()
                .block(Duration.ofSeconds(30));
    }

    private List<JsonNode> storageClassChanges(String fileId) {
        return jdbc.queryForList("SELECT payload FROM DomainEventEntry WHERE aggregateIdentifier = ? AND payloadType = ? "
                                + "ORDER BY sequenceNumber", byte[].class, fileId,
                        "io.depot.file.FileVersionStorageClassChangedEvent").stream()
                .map(StorageTiersTest::json)
                .toList();
    }

    /**
     * The object a move let go of: by key (a copy the version held itself), or through its blob (uploaded content,
     * which the blob deletes once no version anywhere uses it).
     */
    private static String released(JsonNode change) {
        return change.get("releasedObjectKey").isNull() ? change.get("releasedContent").get("objectKey").asText()
                : change.get("releasedObjectKey").asText();
    }

    private static JsonNode json(byte[] payload) {
        try {
            return JSON.readTree(payload);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private byte[] downloadVersion(String token, String fileId, long version) {
        Api.Response r = api.get("/v1/files/" + fileId + "/versions/" + version + "/download", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        var bytes = api.getUrl(r.json().get("url").asText(), Map.of());
        assertThat(bytes.statusCode()).isEqualTo(200);
        return bytes.body();
    }
}
