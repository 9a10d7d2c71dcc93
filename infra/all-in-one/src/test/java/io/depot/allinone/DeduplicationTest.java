package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.blob.BlobIds;
import io.depot.file.StorageClass;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Identical bytes are stored once, whoever uploads them: the versions share one object, counted by their blob's
 * events, and the object goes only with the last version that uses it; identical uploads completing at the same
 * moment still end with one object; reconcile sees shared objects as held.
 */
class DeduplicationTest extends EndToEndTest {

    @Test
    void twoUsersUploadingTheSameBytesShareOneObjectUntilBothDeleteTheirFiles() {
        String ada = api.token("ada");
        String bob = api.token("bob");
        byte[] bytes = uniqueBytes(200 * 1024);

        JsonNode adaUpload = uploadAndComplete(ada, uniqueName("report"), bytes);
        String adaFile = adaUpload.get("file_id").asText();
        awaitFile(ada, adaFile, 1);
        JsonNode bobUpload = uploadAndComplete(bob, uniqueName("copy"), bytes);
        String bobFile = bobUpload.get("file_id").asText();
        awaitFile(bob, bobFile, 1);
        awaitProjectionsCaughtUp();

        String adaKey = "objects/" + adaFile + "/" + adaUpload.get("upload_id").asText();
        String bobKey = "objects/" + bobFile + "/" + bobUpload.get("upload_id").asText();
        assertThat(objectKey(adaFile)).isEqualTo(adaKey);
        assertThat(objectKey(bobFile)).isEqualTo(adaKey);
        assertThat(stored().objects()).contains(adaKey).doesNotContain(bobKey);
        assertThat(eventTypes(bobFile)).containsSubsequence("FileVersionVerifiedEvent", "FileVersionContentLinkedEvent",
                "FileVersionAvailableEvent");
        // Ada's history reads the same as Bob's: both versions' content is linked, only the (hidden) keys differ.
        assertThat(eventTypes(adaFile)).isEqualTo(eventTypes(bobFile));
        String blob = BlobIds.of(StorageClass.STANDARD, sha256(bytes));
        assertThat(eventTypes(blob)).containsExactly("BlobReferencedEvent", "BlobReferencedEvent");
        assertThat(download(ada, adaFile)).isEqualTo(bytes);
        assertThat(download(bob, bobFile)).isEqualTo(bytes);
        // Nothing tells Bob his bytes were stored before: his file reads like any other.
        JsonNode bobView = api.get("/v1/files/" + bobFile, bob).json();
        assertThat(bobView.toString()).doesNotContain(adaFile).doesNotContain("\"ada\"");

        assertThat(api.delete("/v1/files/" + adaFile, ada).status()).isEqualTo(204);
        awaitProjectionsCaughtUp();
        assertThat(eventTypes(blob)).containsExactly("BlobReferencedEvent", "BlobReferencedEvent", "BlobReleasedEvent");
        assertThat(stored().objects()).contains(adaKey);
        assertThat(download(bob, bobFile)).isEqualTo(bytes);
        // Reconcile sees the object Ada's deleted file stored as held by Bob's version: no orphan, nothing moved.
        String admin = api.token("ops", "admin");
        JsonNode report = runToEnd(admin);
        assertThat(report.get("findings").toString()).doesNotContain(adaKey);
        assertThat(stored().objects()).contains(adaKey);

        assertThat(api.delete("/v1/files/" + bobFile, bob).status()).isEqualTo(204);
        awaitProjectionsCaughtUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> !stored().objects().contains(adaKey));
        assertThat(eventTypes(blob)).endsWith("BlobReleasedEvent", "BlobReleasedEvent");
    }

    /** The blob takes references one at a time: whichever completes first keeps its object, the other's goes. */
    @Test
    void identicalUploadsCompletingAtOnceEndWithOneObject() throws Exception {
        byte[] bytes = uniqueBytes(96 * 1024);
        List<String> tokens = List.of(api.token("cleo"), api.token("dan"), api.token("eve"));
        List<JsonNode> uploads = new ArrayList<>();
        for (String token : tokens) {
            JsonNode upload = initiate(token, uniqueName("same"), bytes.length, null, null);
            putSingle(upload, bytes);
            uploads.add(upload);
        }
        ExecutorService pool = Executors.newFixedThreadPool(tokens.size());
        try {
            List<Callable<JsonNode>> completes = new ArrayList<>();
            for (int i = 0; i < tokens.size(); i++) {
                String token = tokens.get(i);
                String uploadId = uploads.get(i).get("upload_id").asText();
                completes.add(() -> complete(token, uploadId));
            }
            List<String> files = new ArrayList<>();
            for (Future<JsonNode> done : pool.invokeAll(completes)) {
                files.add(done.get().get("file_id").asText());
            }
            for (int i = 0; i < files.size(); i++) {
                awaitFile(tokens.get(i), files.get(i), 1);
            }
            awaitProjectionsCaughtUp();

            Set<String> keys = new java.util.HashSet<>();
            List<String> own = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                keys.add(objectKey(files.get(i)));
                own.add("objects/" + files.get(i) + "/" + uploads.get(i).get("upload_id").asText());
            }
            assertThat(keys).hasSize(1);
            Set<String> objects = stored().objects();
            assertThat(own.stream().filter(objects::contains)).containsExactlyElementsOf(keys);
            for (int i = 0; i < files.size(); i++) {
                assertThat(download(tokens.get(i), files.get(i))).isEqualTo(bytes);
            }
            assertThat(eventTypes(BlobIds.of(StorageClass.STANDARD, sha256(bytes))))
                    .containsExactly("BlobReferencedEvent", "BlobReferencedEvent", "BlobReferencedEvent");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A later version of the same file with the same bytes shares the object too; deleting the first version keeps
     * it, and a restore of a shared version shares it again.
     */
    @Test
    void versionsOfOneFileWithTheSameBytesShareTheObjectThroughDeletesAndRestores() {
        String fay = api.token("fay");
        byte[] bytes = uniqueBytes(64 * 1024);
        String name = uniqueName("notes");
        String file = uploadAndComplete(fay, name, bytes).get("file_id").asText();
        awaitFile(fay, file, 1);
        String first = objectKey(file);
        uploadAndComplete(fay, name, bytes);
        awaitFile(fay, file, 2);
        awaitProjectionsCaughtUp();
        assertThat(objectKey(file)).isEqualTo(first);

        assertThat(api.delete("/v1/files/" + file + "/versions/1", fay).status()).isEqualTo(204);
        assertThat(api.post("/v1/files/" + file + "/versions/2/restore", fay, null).status()).isEqualTo(201);
        awaitFile(fay, file, 3);
        assertThat(api.delete("/v1/files/" + file + "/versions/2", fay).status()).isEqualTo(204);
        awaitProjectionsCaughtUp();
        assertThat(stored().objects()).contains(first);
        assertThat(download(fay, file)).isEqualTo(bytes);

        assertThat(api.delete("/v1/files/" + file, fay).status()).isEqualTo(204);
        awaitProjectionsCaughtUp();
        await().atMost(Duration.ofSeconds(30)).until(() -> !stored().objects().contains(first));
    }

    private JsonNode uploadAndComplete(String token, String filename, byte[] bytes) {
        JsonNode upload = initiate(token, filename, bytes.length, null, null);
        putSingle(upload, bytes);
        JsonNode completed = complete(token, upload.get("upload_id").asText());
        ((com.fasterxml.jackson.databind.node.ObjectNode) completed).put("upload_id", upload.get("upload_id").asText());
        return completed;
    }

    private static byte[] uniqueBytes(int size) {
        return randomBytes(size, UUID.randomUUID().getMostSignificantBits());
    }
}
