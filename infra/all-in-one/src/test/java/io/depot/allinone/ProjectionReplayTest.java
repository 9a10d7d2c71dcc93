package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * An operator rebuilds the {@code files} read model while clients read it and change it: the rebuild is written beside
 * the live copy, reads switch to it once it has caught up, and no reader sees a file vanish or go back in time.
 */
class ProjectionReplayTest extends EndToEndTest {

    private static final int FILES = 150;
    private static final int WATCHED = 4;

    @Test
    void rebuildingTheFilesReadModelKeepsAnsweringAndSwitchesToAnEqualCopy() throws Exception {
        String owner = api.token("rhea-" + java.util.UUID.randomUUID().toString().substring(0, 8));
        ExecutorService uploads = Executors.newFixedThreadPool(6);
        try {
            // Not waiting for each to be checked and available: what the read model holds is the subject here.
            List<Future<String>> background = IntStream.range(0, FILES - WATCHED)
                    .mapToObj(i -> uploads.submit(() -> {
                        byte[] data = randomBytes(64, 7000 + i);
                        JsonNode upload = initiate(owner, uniqueName("bulk"), data.length, null, null);
                        putSingle(upload, data);
                        return complete(owner, upload.get("upload_id").asText()).get("file_id").asText();
                    }))
                    .toList();
            for (Future<String> upload : background) {
                upload.get();
            }
        } finally {
            uploads.shutdown();
        }
        // The watched files are the newest, so the first page of the owner's listing shows them.
        List<String> watched = new ArrayList<>();
        for (int i = 0; i < WATCHED; i++) {
            watched.add(uploadSmall(owner, uniqueName("watched"), randomBytes(64, 9000 + i)));
        }
        String userId = api.get("/v1/files/" + watched.get(0), owner).json().get("owner_id").asText();
        awaitProjectionsCaughtUp();
        String admin = api.token("ops", "admin");
        JsonNode before = api.get("/v1/admin/projections/files", admin).json();
        int oldGeneration = before.get("generation").get("live_generation").asInt();
        List<String> oldCollections = List.of(liveName("files", oldGeneration), liveName("file_versions", oldGeneration));
        Map<String, Document> unchanged = documents(oldCollections.get(0));
        int sharesGeneration = api.get("/v1/admin/projections/file-shares", admin).json()
                .get("generation").get("live_generation").asInt();
        Map<String, Document> shares = documents(liveName("file_shares", sharesGeneration));
        watched.forEach(unchanged::remove);

        AtomicBoolean running = new AtomicBoolean(true);
        List<String> problems = new CopyOnWriteArrayList<>();
        // Per endpoint: an answer from the metadata cache may trail the listing's (read from the read model) by the
        // moment between the projection's two writes, rebuild or not.
        Map<String, Integer> newestSeen = new ConcurrentHashMap<>();
        Map<String, Integer> newestListed = new ConcurrentHashMap<>();
        Map<String, Integer> written = new ConcurrentHashMap<>();
        AtomicInteger reads = new AtomicInteger();
        Thread writer = new Thread(() -> {
            for (int n = 1; running.get(); n++) {
                String fileId = watched.get(n % WATCHED);
                Api.Response r = api.json("PUT", "/v1/files/" + fileId + "/tags", owner, Map.of("tags", List.of("n=" + n)));
                if (r.status() != 200) {
                    problems.add("tags of " + fileId + ": " + r.status() + " " + r.body());
                }
                written.put(fileId, n);
            }
        });
        Thread reader = new Thread(() -> {
            while (running.get()) {
                for (String fileId : watched) {
                    Api.Response r = api.get("/v1/files/" + fileId, owner);
                    if (r.status() != 200) {
                        problems.add("GET " + fileId + ": " + r.status() + " " + r.body());
                    } else {
                        seen(fileId, r.json(), newestSeen, problems);
                    }
                    reads.incrementAndGet();
                }
                Api.Response listing = api.get("/v1/users/" + userId + "/files?size=" + WATCHED, owner);
                if (listing.status() != 200 || listing.json().get("items").size() != WATCHED) {
                    problems.add("listing: " + listing.status() + " " + listing.body());
                } else {
                    listing.json().get("items").forEach(item -> seen(item.get("file_id").asText(), item, newestListed,
                            problems));
                }
            }
        });
        writer.start();
        reader.start();
        try {
            Api.Response started = api.post("/v1/admin/projections/files/replay", admin, null);
            assertThat(started.status()).as(started.body()).isEqualTo(202);
            assertThat(started.json().get("replaying").asBoolean()).isTrue();
            assertThat(started.json().get("generation").get("rebuild").get("generation").asInt()).isEqualTo(oldGeneration + 1);
            // A second rebuild while one runs is refused; another read model rebuilds alongside.
            assertThat(api.post("/v1/admin/projections/files/replay", admin, null).status()).isEqualTo(409);
            assertThat(api.post("/v1/admin/projections/file-shares/replay", admin, null).status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(40)).pollInterval(Duration.ofMillis(200)).until(() ->
                    switched("files", oldGeneration + 1, admin) && switched("file-shares", sharesGeneration + 1, admin));
        } finally {
            running.set(false);
            writer.join();
            reader.join();
        }
        assertThat(problems).isEmpty();
        assertThat(reads.get()).isGreaterThan(50);

        awaitProjectionsCaughtUp();
        List<String> names = readModels.listCollectionNames().into(new ArrayList<>());
        assertThat(names).doesNotContainAnyElementsOf(oldCollections)
                .contains(liveName("files", oldGeneration + 1), liveName("file_versions", oldGeneration + 1));
        Map<String, Document> rebuilt = documents(liveName("files", oldGeneration + 1));
        assertThat(rebuilt).containsAllEntriesOf(unchanged);
        assertThat(documents(liveName("file_shares", sharesGeneration + 1))).isEqualTo(shares);
        assertThat(names).doesNotContain(liveName("file_shares", sharesGeneration));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> watched.forEach(fileId ->
                assertThat(api.get("/v1/files/" + fileId, owner).json().get("tags").get(0).asText())
                        .isEqualTo("n=" + written.get(fileId))));

        JsonNode status = api.get("/v1/admin/projections/files", admin).json();
        assertThat(status.get("caught_up").asBoolean()).isTrue();
        assertThat(status.get("instance_segments")).isNotEmpty();
        assertThat(status.get("instance_segments").get(0).get("position").asLong()).isGreaterThan(0);
        assertThat(api.post("/v1/admin/projections/version-verification/replay", admin, null).status()).isEqualTo(409);
        assertThat(api.post("/v1/admin/projections/files/replay", owner, null).status()).isEqualTo(403);
        assertThat(api.get("/v1/admin/projections/no-such-thing", admin).status()).isEqualTo(404);
    }

    /** Whether reads of the read model use {@code generation} and its previous copy is gone. */
    private boolean switched(String group, int generation, String admin) {
        JsonNode status = api.get("/v1/admin/projections/" + group, admin).json().get("generation");
        return status.get("live_generation").asInt() == generation && !status.hasNonNull("retiring_generation");
    }

    /** Records the tag number an answer shows, and any answer older than one already seen. */
    private static void seen(String fileId, JsonNode file, Map<String, Integer> newestSeen, List<String> problems) {
        if (!newestSeen.containsKey(fileId) && file.get("tags").isEmpty()) {
            return;
        }
        int n = file.get("tags").isEmpty() ? 0 : Integer.parseInt(file.get("tags").get(0).asText().substring(2));
        int previous = newestSeen.merge(fileId, n, Math::max);
        if (n < previous) {
            problems.add(java.time.Instant.now() + " " + fileId + " went back from n=" + previous + " to n=" + n);
        }
    }

    private static String liveName(String collection, int generation) {
        return generation == 1 ? collection : collection + "__g" + generation;
    }

    private Map<String, Document> documents(String collection) {
        Map<String, Document> documents = new java.util.HashMap<>();
        readModels.getCollection(collection).find().forEach(d -> documents.put(d.getString("_id"), d));
        return documents;
    }
}
