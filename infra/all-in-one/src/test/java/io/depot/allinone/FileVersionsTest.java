package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Versions, tags, visibility and names as users change them: three uploads of one name are three versions, each
 * listed, read and downloaded; a restore makes a new version from an old one's object without copying it; a deleted
 * version's object goes unless a restore shares it; every bad request gets a problem and changes nothing.
 */
class FileVersionsTest extends EndToEndTest {

    @Test
    void threeVersionsAreListedFetchedDownloadedRestoredAndDeleted() {
        String token = api.token("vera");
        String name = uniqueName("report");
        byte[][] contents = {randomBytes(700, 1501), randomBytes(800, 1502), randomBytes(900, 1503)};
        String fileId = null;
        for (byte[] content : contents) {
            fileId = uploadSmall(token, name, content);
        }
        String id = fileId;

        JsonNode versions = api.get("/v1/files/" + id + "/versions", token).json();
        assertThat(versions.get("items")).extracting(v -> v.get("version").asLong()).containsExactly(3L, 2L, 1L);
        for (int v = 1; v <= 3; v++) {
            JsonNode version = api.get("/v1/files/" + id + "/versions/" + v, token).json();
            assertThat(version.get("size").asLong()).isEqualTo(contents[v - 1].length);
            assertThat(version.get("status").asText()).isEqualTo("available");
            assertThat(version.get("uploaded_by").asText()).isEqualTo("vera");
            assertThat(version.has("created_at")).isTrue();
            assertThat(downloadVersion(token, id, v)).isEqualTo(contents[v - 1]);
        }

        Api.Response restored = api.post("/v1/files/" + id + "/versions/1/restore", token, null);
        assertThat(restored.status()).as(restored.body()).isEqualTo(201);
        assertThat(restored.json().get("version").asLong()).isEqualTo(4);
        assertThat(restored.json().get("restored_from").asLong()).isEqualTo(1);
        JsonNode file = awaitFile(token, id, 4);
        assertThat(file.get("size").asLong()).isEqualTo(contents[0].length);
        assertThat(download(token, id)).isEqualTo(contents[0]);
        JsonNode v4 = api.get("/v1/files/" + id + "/versions/4", token).json();
        assertThat(v4.get("restored_from").asLong()).isEqualTo(1);
        assertThat(v4.get("sha256").asText()).isEqualTo(sha256(contents[0]));
        // No bytes were copied: storage holds one object for versions 1 and 4.
        Stored before = stored();
        assertThat(before.objects().stream().filter(k -> k.startsWith("objects/" + id + "/"))).hasSize(3);

        assertThat(api.delete("/v1/files/" + id + "/versions/2", token).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/files/" + id + "/versions/2", token).status() == 404);
        assertThat(api.get("/v1/files/" + id + "/versions", token).json().get("items"))
                .extracting(v -> v.get("version").asLong()).containsExactly(4L, 3L, 1L);
        await().atMost(Duration.ofSeconds(30)).until(() -> stored().objects().stream()
                .filter(k -> k.startsWith("objects/" + id + "/")).count() == 2);
        assertThat(api.get("/v1/files/" + id + "/versions/2/download", token).json().get("code").asText())
                .isEqualTo("version-not-found");
        // Deleting version 1 keeps its object: version 4 shares it.
        assertThat(api.delete("/v1/files/" + id + "/versions/1", token).status()).isEqualTo(204);
        awaitProjectionsCaughtUp();
        assertThat(stored().objects().stream().filter(k -> k.startsWith("objects/" + id + "/"))).hasSize(2);
        assertThat(downloadVersion(token, id, 4)).isEqualTo(contents[0]);

        assertThat(eventTypes(id)).contains("FileVersionRestoredEvent", "FileVersionDeletedEvent");
        // Deleting the file removes every version's object.
        assertThat(api.delete("/v1/files/" + id, token).status()).isEqualTo(204);
        await().atMost(Duration.ofSeconds(30)).until(() -> stored().objects().stream()
                .noneMatch(k -> k.startsWith("objects/" + id + "/")));
    }

    @Test
    void badVersionRequestsGetProblemsAndChangeNothing() {
        String token = api.token("viktor");
        String id = uploadSmall(token, uniqueName("only"), randomBytes(300, 1511));
        String other = api.token("mallory");
        Stored before = stored();

        expectProblem(api.delete("/v1/files/" + id + "/versions/1", token), 409, "last-version");
        expectProblem(api.post("/v1/files/" + id + "/versions/7/restore", token, null), 404, "version-not-found");
        expectProblem(api.get("/v1/files/" + id + "/versions/7", token), 404, "version-not-found");
        expectProblem(api.post("/v1/files/" + id + "/versions/1/restore", other, null), 404, "file-not-found");
        expectProblem(api.delete("/v1/files/" + id + "/versions/1", other), 404, "file-not-found");
        expectProblem(api.get("/v1/files/" + id + "/versions", other), 404, "file-not-found");
        expectProblem(api.get("/v1/files/" + id + "/versions/x", token), 400, null);
        expectProblem(api.get("/v1/files/" + id + "/versions?size=0", token), 400, "validation-failed");

        assertNothingStoredSince(before);
    }

    @Test
    void tagsAreSetFilteredAndRefusedWhenMalformedOrTooMany() {
        String token = api.token("tess");
        String a = uploadSmall(token, uniqueName("a"), randomBytes(100, 1521));
        String b = uploadSmall(token, uniqueName("b"), randomBytes(100, 1522));

        Api.Response set = api.json("PUT", "/v1/files/" + a + "/tags", token,
                Map.of("tags", List.of("project=apollo", "invoice", "invoice")));
        assertThat(set.status()).as(set.body()).isEqualTo(200);
        assertThat(set.json().get("tags")).extracting(JsonNode::asText).containsExactly("invoice", "project=apollo");
        assertThat(api.json("PUT", "/v1/files/" + b + "/tags", token, Map.of("tags", List.of("invoice"))).status())
                .isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/files/" + a, token).json().get("tags").size() == 2);
        assertThat(listed(token, "tess", "project=apollo")).containsExactly(a);
        await().atMost(Duration.ofSeconds(30)).until(() -> listed(token, "tess", "invoice").size() == 2);
        assertThat(listed(token, "tess", "invoice")).containsExactlyInAnyOrder(a, b);
        assertThat(listed(token, "tess", "nothing")).isEmpty();
        expectProblem(api.get("/v1/users/tess/files?tag=" + java.net.URLEncoder.encode("a b", java.nio.charset.StandardCharsets.UTF_8), token),
                400, "validation-failed");

        Stored before = stored();
        List<String> tooMany = new ArrayList<>();
        for (int i = 0; i < 51; i++) {
            tooMany.add("t" + i);
        }
        expectProblem(api.json("PUT", "/v1/files/" + a + "/tags", token, Map.of("tags", tooMany)), 400, "validation-failed");
        expectProblem(api.json("PUT", "/v1/files/" + a + "/tags", token, Map.of("tags", List.of("k=\u0007"))), 400,
                "validation-failed");
        expectProblem(api.json("PUT", "/v1/files/" + a + "/tags", token, Map.of("tags", List.of("x".repeat(65)))), 400,
                "validation-failed");
        expectProblem(api.json("PUT", "/v1/files/" + a + "/tags", token, Map.of("labels", List.of("x"))), 400,
                "validation-failed");
        expectProblem(api.json("PUT", "/v1/files/" + a + "/tags", api.token("mallory"), Map.of("tags", List.of("x"))),
                404, "file-not-found");
        assertNothingStoredSince(before);
        assertThat(api.get("/v1/files/" + a, token).json().get("tags")).hasSize(2);

        // Removing every tag.
        assertThat(api.json("PUT", "/v1/files/" + b + "/tags", token, Map.of("tags", List.of())).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> listed(token, "tess", "invoice").size() == 1);
    }

    @Test
    void visibilitySwitchesBothWaysAsAnotherUserSeesIt() {
        String owner = api.token("olga");
        String other = api.token("oscar");
        String id = uploadSmall(owner, uniqueName("photo"), randomBytes(200, 1531));
        assertThat(api.get("/v1/files/" + id, other).status()).isEqualTo(404);

        assertThat(api.json("PATCH", "/v1/files/" + id, owner, Map.of("public", true)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/files/" + id, other).status() == 200);
        assertThat(api.get("/v1/files/" + id, other).json().get("public").asBoolean()).isTrue();
        assertThat(api.get("/v1/files/" + id + "/download", null).status()).isEqualTo(200);
        assertThat(listed(other, "olga", null)).contains(id);

        assertThat(api.json("PATCH", "/v1/files/" + id, owner, Map.of("public", false)).status()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() -> api.get("/v1/files/" + id, other).status() == 404);
        assertThat(api.get("/v1/files/" + id + "/download", null).status()).isEqualTo(404);
        assertThat(listed(other, "olga", null)).doesNotContain(id);
        expectProblem(api.json("PATCH", "/v1/files/" + id, other, Map.of("public", true)), 404, "file-not-found");
        expectProblem(api.json("PATCH", "/v1/files/" + id, owner, Map.of()), 400, "validation-failed");
    }

    @Test
    void aRenameKeepsTheFileAndIsRefusedWhenTheNameIsTaken() {
        String token = api.token("rene");
        String oldName = uniqueName("draft");
        String newName = uniqueName("final");
        String id = uploadSmall(token, oldName, randomBytes(300, 1541));
        String takenName = uniqueName("taken");
        String taken = uploadSmall(token, takenName, randomBytes(300, 1542));

        Stored before = stored();
        expectProblem(api.json("PATCH", "/v1/files/" + id, token, Map.of("filename", takenName)), 409, "filename-taken");
        expectProblem(api.json("PATCH", "/v1/files/" + id, token, Map.of("filename", "a/b")), 400, "invalid-filename");
        expectProblem(api.json("PATCH", "/v1/files/" + id, api.token("mallory"), Map.of("filename", newName)), 404,
                "file-not-found");
        assertNothingStoredSince(before);

        Api.Response renamed = api.json("PATCH", "/v1/files/" + id, token, Map.of("filename", newName));
        assertThat(renamed.status()).as(renamed.body()).isEqualTo(200);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                api.get("/v1/files/" + id, token).json().get("filename").asText().equals(newName));
        assertThat(api.get("/v1/files/" + id + "/versions", token).json().get("items")).hasSize(1);

        // An upload of the new name is the renamed file's next version; the old name makes a new file.
        byte[] second = randomBytes(400, 1543);
        JsonNode upload = initiate(token, newName, second.length, null, null);
        assertThat(upload.get("file_id").asText()).isEqualTo(id);
        putSingle(upload, second);
        assertThat(complete(token, upload.get("upload_id").asText()).get("version").asLong()).isEqualTo(2);
        String reborn = uploadSmall(token, oldName, randomBytes(500, 1544));
        assertThat(reborn).isNotEqualTo(id).isNotEqualTo(taken);
        assertThat(awaitFile(token, reborn, 1).get("filename").asText()).isEqualTo(oldName);

        // A deleted file's name is free again.
        assertThat(api.delete("/v1/files/" + taken, token).status()).isEqualTo(204);
        assertThat(api.json("PATCH", "/v1/files/" + id, token, Map.of("filename", takenName)).status()).isEqualTo(200);
    }

    @Test
    void theHistoryShowsEachChangeWithItsActorAsItHappens() {
        String token = api.token("hilda");
        String auditor = api.token("audrey", "auditor");
        String name = uniqueName("story");
        String id = uploadSmall(token, name, randomBytes(100, 1551));
        uploadSmall(token, name, randomBytes(120, 1552));
        List<String> expected = new ArrayList<>(List.of("FileVersioned", "FileVersionVerified",
                "FileVersionContentLinked", "FileVersionAvailable",
                "FileVersioned", "FileVersionVerified", "FileVersionContentLinked", "FileVersionAvailable"));
        assertThat(historyTypes(token, id)).isEqualTo(expected);

        record Change(Api.Response response, String type) {
        }
        List<java.util.function.Supplier<Change>> changes = List.of(
                () -> new Change(api.post("/v1/files/" + id + "/versions/1/restore", token, null), "FileVersionRestored"),
                () -> new Change(api.delete("/v1/files/" + id + "/versions/2", token), "FileVersionDeleted"),
                () -> new Change(api.json("PUT", "/v1/files/" + id + "/tags", token, Map.of("tags", List.of("a=b"))),
                        "FileTagsChanged"),
                () -> new Change(api.json("PATCH", "/v1/files/" + id, token, Map.of("public", true)),
                        "FileVisibilityChanged"),
                () -> new Change(api.json("PATCH", "/v1/files/" + id, token, Map.of("filename", uniqueName("renamed"))),
                        "FileRenamed"),
                () -> new Change(api.post("/v1/files/" + id + "/shares", token, Map.of("expires_in", 60)), "FileShared"));
        for (var change : changes) {
            Change done = change.get();
            assertThat(done.response().status()).as(done.response().body()).isBetween(200, 204);
            expected.add(done.type());
            assertThat(historyTypes(token, id)).as("after " + done.type()).isEqualTo(expected);
        }
        JsonNode history = api.get("/v1/files/" + id + "/history?size=100", auditor).json().get("items");
        JsonNode renamed = history.get(expected.indexOf("FileRenamed"));
        assertThat(renamed.get("actor").asText()).isEqualTo("hilda");
        assertThat(renamed.get("details").get("from_name").asText()).isEqualTo(name);
        assertThat(history.get(expected.indexOf("FileShared")).get("details").has("token_hash")).isFalse();
        assertThat(history.get(expected.indexOf("FileVersionRestored")).get("details").get("restored_from").asLong())
                .isEqualTo(1);
    }

    private List<String> historyTypes(String token, String fileId) {
        Api.Response r = api.get("/v1/files/" + fileId + "/history?size=100", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> types = new ArrayList<>();
        r.json().get("items").forEach(e -> types.add(e.get("type").asText()));
        return types;
    }

    private List<String> listed(String token, String userId, String tag) {
        String query = tag == null ? "" : "&tag=" + java.net.URLEncoder.encode(tag, java.nio.charset.StandardCharsets.UTF_8);
        Api.Response r = api.get("/v1/users/" + userId + "/files?size=100" + query, token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        List<String> ids = new ArrayList<>();
        r.json().get("items").forEach(f -> ids.add(f.get("file_id").asText()));
        return ids;
    }

    private byte[] downloadVersion(String token, String fileId, long version) {
        Api.Response r = api.get("/v1/files/" + fileId + "/versions/" + version + "/download", token);
        assertThat(r.status()).as(r.body()).isEqualTo(200);
        assertThat(r.json().get("version").asLong()).isEqualTo(version);
        var bytes = api.getUrl(r.json().get("url").asText(), Map.of());
        assertThat(bytes.statusCode()).isEqualTo(200);
        return bytes.body();
    }

    static void expectProblem(Api.Response response, int status, String code) {
        assertThat(response.status()).as(response.body()).isEqualTo(status);
        assertThat(response.contentType()).startsWith("application/problem+json");
        if (code != null) {
            assertThat(response.json().get("code").asText()).as(response.body()).isEqualTo(code);
        }
    }
}
