package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.file.StoredFile;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.spring.eventsourcing.SpringAggregateSnapshotter;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.StreamSupport;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@code GET /v1/files/{id}/history}: a file's events as the event store holds them, oldest first, for its owner and
 * for auditors, and for nobody else.
 */
class FileHistoryTest extends EndToEndTest {

    @Autowired
    SpringAggregateSnapshotter snapshotter;

    /** An event of the kind that carries where a request came from, as downloads through share links will. */
    record LinkDownloadedEvent(String fileId, String userId, String clientAddress, Instant downloadedAt) {
    }

    @Test
    void theOwnerReadsEveryVersionAndTheDeletionOldestFirstWithoutStorageKeys() {
        String owner = api.token("hilde");
        String name = uniqueName("history");
        String fileId = uploadSmall(owner, name, randomBytes(300, 501));
        assertThat(uploadSmall(owner, name, randomBytes(400, 502))).isEqualTo(fileId);
        assertThat(api.delete("/v1/files/" + fileId, owner).status()).isEqualTo(204);

        Api.Response r = api.get("/v1/files/" + fileId + "/history", owner);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        JsonNode history = r.json();
        assertThat(history.get("file_id").asText()).isEqualTo(fileId);
        assertThat(history.get("page").asInt()).isZero();
        assertThat(history.get("size").asInt()).isEqualTo(50);
        assertThat(history.has("next_page")).isFalse();
        List<JsonNode> items = items(history);
        assertThat(items).extracting(item -> item.get("type").asText()).containsExactly(
                "FileVersioned", "FileVersionVerified", "FileVersionContentLinked", "FileVersionAvailable",
                "FileVersioned", "FileVersionVerified", "FileVersionContentLinked", "FileVersionAvailable",
                "FileDeleted");
        assertThat(items).extracting(item -> item.get("type").asText() + "Event")
                .as("exactly what the event store holds").containsExactlyElementsOf(eventTypes(fileId));
        assertThat(items).extracting(item -> item.get("sequence").asLong()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
        assertThat(items).extracting(item -> item.get("actor").isNull() ? null : item.get("actor").asText())
                .as("the owner uploads and deletes; Depot verifies and releases")
                .containsExactly("hilde", null, null, null, "hilde", null, null, null, "hilde");
        assertThat(items).extracting(item -> item.get("details").path("version").asLong(0))
                .containsExactly(1L, 1L, 1L, 1L, 2L, 2L, 2L, 2L, 0L);
        assertThat(items.get(8).get("details").get("last_version").asLong()).isEqualTo(2);
        assertThat(items.get(0).get("details").get("filename").asText()).isEqualTo(name);
        assertThat(items).extracting(item -> Instant.parse(item.get("at").asText())).isSorted();
        assertThat(items).allSatisfy(item -> assertThat(item.get("details").fieldNames())
                .toIterable().doesNotContain("file_id", "object_key", "object_keys", "client_address"));
        assertThat(r.body()).doesNotContain("object_key").doesNotContain("objects/");

        Api.Response audited = api.get("/v1/files/" + fileId + "/history", api.token("audrey", "auditor"));
        assertThat(audited.status()).as("a deleted file's history stays for auditors").isEqualTo(200);
        assertThat(items(audited.json())).hasSize(9);
    }

    @Test
    void anotherUserIsToldTheFileDoesNotExistWhileAuditorsReadItWithClientAddresses() {
        String owner = api.token("ingo");
        String auditor = api.token("audrey", "auditor");
        String fileId = uploadSmall(owner, uniqueName("audited"), randomBytes(200, 503));
        long next = eventStore.lastSequenceNumberFor(fileId).orElseThrow() + 1;
        eventStore.publish(new GenericDomainEventMessage<>(StoredFile.class.getSimpleName(), fileId, next,
                new LinkDownloadedEvent(fileId, "jana", "198.51.100.7", Instant.now())));

        Api.Response stranger = api.get("/v1/files/" + fileId + "/history", api.token("jana"));
        Api.Response missing = api.get("/v1/files/" + UUID.randomUUID() + "/history", owner);
        assertThat(stranger.status()).isEqualTo(404);
        assertThat(stranger.isProblem()).isTrue();
        assertThat(missing.status()).isEqualTo(404);
        assertThat(stranger.json().get("code").asText()).isEqualTo(missing.json().get("code").asText())
                .isEqualTo("file-not-found");
        assertThat(stranger.json().get("type")).isEqualTo(missing.json().get("type"));
        assertThat(api.get("/v1/files/" + fileId + "/history", null).status()).isEqualTo(401);
        String uploadId = initiate(owner, uniqueName("pending"), 10, null, null).get("upload_id").asText();
        assertThat(api.get("/v1/files/" + uploadId + "/history", auditor).status())
                .as("an upload's events are no file's history").isEqualTo(404);

        Api.Response audited = api.get("/v1/files/" + fileId + "/history", auditor);
        assertThat(audited.status()).as(audited.body()).isEqualTo(200);
        List<JsonNode> items = items(audited.json());
        assertThat(items).extracting(item -> item.get("type").asText())
                .containsExactly("FileVersioned", "FileVersionVerified", "FileVersionContentLinked", "FileVersionAvailable",
                        "LinkDownloaded");
        JsonNode download = items.get(4);
        assertThat(download.get("actor").asText()).isEqualTo("jana");
        assertThat(download.get("details").get("client_address").asText()).isEqualTo("198.51.100.7");
        assertThat(items.subList(0, 4)).allSatisfy(item -> assertThat(item.get("details").has("client_address")).isFalse());

        JsonNode forOwner = items(api.get("/v1/files/" + fileId + "/history", owner).json()).get(4);
        assertThat(forOwner.get("actor").asText()).isEqualTo("jana");
        assertThat(forOwner.get("details").has("client_address")).as("addresses are for auditors").isFalse();
        assertThat(forOwner.get("details").get("user_id").asText()).isEqualTo("jana");
    }

    @Test
    void pagesSplitTheHistoryInOrderAndBadPagingIsRefused() {
        String owner = api.token("karla");
        String name = uniqueName("paged");
        String fileId = uploadSmall(owner, name, randomBytes(100, 504));
        uploadSmall(owner, name, randomBytes(100, 505));
        String path = "/v1/files/" + fileId + "/history";
        List<JsonNode> whole = items(api.get(path, owner).json());
        assertThat(whole).hasSize(8);

        List<JsonNode> paged = new ArrayList<>();
        List<Integer> nextPages = new ArrayList<>();
        for (int page = 0; page < 4; page++) {
            JsonNode body = api.get(path + "?page=" + page + "&size=2", owner).json();
            assertThat(body.get("page").asInt()).isEqualTo(page);
            assertThat(body.get("size").asInt()).isEqualTo(2);
            paged.addAll(items(body));
            nextPages.add(body.has("next_page") ? body.get("next_page").asInt() : null);
        }
        assertThat(paged).isEqualTo(whole);
        assertThat(nextPages).containsExactly(1, 2, 3, null);
        assertThat(items(api.get(path + "?page=1&size=4", owner).json()))
                .extracting(item -> item.get("sequence").asLong()).containsExactly(4L, 5L, 6L, 7L);
        JsonNode beyond = api.get(path + "?page=9&size=2", owner).json();
        assertThat(beyond.get("items")).isEmpty();
        assertThat(beyond.has("next_page")).isFalse();

        for (String bad : List.of("size=0", "size=101", "page=-1", "page=1000000&size=100")) {
            Api.Response refused = api.get(path + "?" + bad, owner);
            assertThat(refused.status()).as(bad).isEqualTo(400);
            assertThat(refused.isProblem()).isTrue();
            assertThat(refused.json().get("code").asText()).isEqualTo("validation-failed");
        }
    }

    @Test
    void aSnapshotOfTheFileIsNeverAnEntry() {
        String owner = api.token("lotte");
        String name = uniqueName("snapshotted");
        String fileId = uploadSmall(owner, name, randomBytes(100, 506));
        snapshotter.scheduleSnapshot(StoredFile.class, fileId);
        await().atMost(Duration.ofSeconds(10)).until(() -> jdbc.queryForObject(
                "SELECT COUNT(*) FROM SnapshotEventEntry WHERE aggregateIdentifier = ?", Long.class, fileId) == 1);
        uploadSmall(owner, name, randomBytes(100, 507));
        assertThat(eventStore.readEvents(fileId).next().getPayloadType())
                .as("loading the file starts at its snapshot").isEqualTo(StoredFile.class);

        List<JsonNode> items = items(api.get("/v1/files/" + fileId + "/history", owner).json());
        assertThat(items).extracting(item -> item.get("type").asText()).containsExactly(
                "FileVersioned", "FileVersionVerified", "FileVersionContentLinked", "FileVersionAvailable",
                "FileVersioned", "FileVersionVerified", "FileVersionContentLinked", "FileVersionAvailable");
        assertThat(items).extracting(item -> item.get("sequence").asLong()).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L);
        JsonNode afterSnapshot = items(api.get("/v1/files/" + fileId + "/history?page=1&size=4", owner).json()).get(0);
        assertThat(afterSnapshot.get("type").asText()).isEqualTo("FileVersioned");
        assertThat(afterSnapshot.get("sequence").asLong()).isEqualTo(4);
    }

    private static List<JsonNode> items(JsonNode page) {
        return StreamSupport.stream(page.get("items").spliterator(), false).toList();
    }
}
