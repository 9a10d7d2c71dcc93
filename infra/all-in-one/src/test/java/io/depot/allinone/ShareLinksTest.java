package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.file.ShareTokens;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static io.depot.allinone.FileVersionsTest.expectProblem;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Share links used as their recipients use them, with no account: read, downloaded, used up, expired, revoked,
 * dead with their file, and never opened by a guessed token. Auditors see every download through a link.
 */
class ShareLinksTest extends EndToEndTest {

    @Test
    void aShareLinkWorksWithoutATokenUntilItsDownloadsAreUsedUp() {
        String owner = api.token("sharon");
        String auditor = api.token("audrey", "auditor");
        byte[] content = randomBytes(1500, 1601);
        String id = uploadSmall(owner, uniqueName("holiday"), content);

        Api.Response created = api.post("/v1/files/" + id + "/shares", owner, Map.of("expires_in", 3600, "max_downloads", 2));
        assertThat(created.status()).as(created.body()).isEqualTo(201);
        String url = created.json().get("url").asText();
        String token = created.json().get("token").asText();
        assertThat(url).endsWith("/v1/shares/" + token).startsWith("http://127.0.0.1:" + port);
        String path = "/v1/shares/" + token;

        JsonNode seen = api.get(path, null).json();
        assertThat(seen.get("size").asLong()).isEqualTo(content.length);
        assertThat(seen.get("sha256").asText()).isEqualTo(sha256(content));
        assertThat(seen.get("downloads_left").asInt()).isEqualTo(2);
        assertThat(seen.has("owner_id")).isFalse();

        for (int left = 1; left >= 0; left--) {
            Api.Response download = api.get(path + "/download", null);
            assertThat(download.status()).as(download.body()).isEqualTo(200);
            assertThat(download.json().get("downloads_left").asInt()).isEqualTo(left);
            assertThat(api.getUrl(download.json().get("url").asText(), Map.of()).body()).isEqualTo(content);
        }
        expectProblem(api.get(path + "/download", null), 410, "share-exhausted");
        expectProblem(api.get(path, null), 410, "share-exhausted");

        String shareId = created.json().get("share_id").asText();
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode items = api.get("/v1/audit/downloads?file_id=" + id, auditor).json().get("items");
            return items.size() == 2 && shareId.equals(items.get(0).path("share_id").asText());
        });
        await().atMost(Duration.ofSeconds(30)).until(() -> {
            JsonNode listed = api.get("/v1/files/" + id + "/shares", owner).json().get("items");
            return listed.size() == 1 && listed.get(0).get("downloads").asInt() == 2
                    && listed.get(0).get("status").asText().equals("exhausted");
        });
        JsonNode listed = api.get("/v1/files/" + id + "/shares", owner).json();
        assertThat(listed.toString()).doesNotContain(token);
        expectProblem(api.get("/v1/files/" + id + "/shares", api.token("mallory")), 404, "file-not-found");
    }

    @Test
    void aRevokedExpiredOrGuessedLinkIsRefusedAndADeletedFilesLinksStop() {
        String owner = api.token("simon");
        String id = uploadSmall(owner, uniqueName("plan"), randomBytes(600, 1611));
        String revoked = share(owner, id, Map.of("expires_in", 3600));
        String expiring = share(owner, id, Map.of("expires_in", 1));
        String kept = share(owner, id, Map.of("expires_in", 3600));
        assertThat(api.get("/v1/shares/" + kept, null).status()).isEqualTo(200);

        String revokedId = ShareTokens.parse(revoked).orElseThrow().shareId();
        assertThat(api.delete("/v1/files/" + id + "/shares/" + revokedId, api.token("mallory")).status()).isEqualTo(404);
        assertThat(api.delete("/v1/files/" + id + "/shares/" + revokedId, owner).status()).isEqualTo(204);
        expectProblem(api.get("/v1/shares/" + revoked + "/download", null), 410, "share-revoked");
        await().atMost(Duration.ofSeconds(5)).until(() -> api.get("/v1/shares/" + expiring, null).status() == 410);
        expectProblem(api.get("/v1/shares/" + expiring + "/download", null), 410, "share-expired");

        // A guessed token: the right file and link, the wrong secret; and tokens that are not tokens at all.
        var real = ShareTokens.parse(kept).orElseThrow();
        String guessed = ShareTokens.token(real.fileId(), real.shareId(), new byte[ShareTokens.SECRET_BYTES]);
        Stored before = stored();
        expectProblem(api.get("/v1/shares/" + guessed + "/download", null), 404, "share-not-found");
        expectProblem(api.get("/v1/shares/" + guessed, null), 404, "share-not-found");
        expectProblem(api.get("/v1/shares/not-a-token/download", null), 404, "share-not-found");
        expectProblem(api.get("/v1/shares/" + kept.substring(0, 40) + "/download", null), 404, "share-not-found");
        expectProblem(api.post("/v1/files/" + id + "/shares", owner, Map.of("expires_in", 0)), 400, "validation-failed");
        expectProblem(api.post("/v1/files/" + id + "/shares", owner, Map.of("expires_in", 60, "max_downloads", 0)), 400,
                "validation-failed");
        expectProblem(api.post("/v1/files/" + id + "/shares", owner, Map.of("expires_in", 60, "version", 9)), 404,
                "version-not-found");
        expectProblem(api.post("/v1/files/" + id + "/shares", api.token("mallory"), Map.of("expires_in", 60)), 404,
                "file-not-found");
        expectProblem(api.post("/v1/files/not-a-file/shares", owner, Map.of("expires_in", 60)), 404, "file-not-found");
        assertNothingStoredSince(before);

        assertThat(api.delete("/v1/files/" + id, owner).status()).isEqualTo(204);
        expectProblem(api.get("/v1/shares/" + kept + "/download", null), 404, "share-not-found");
        expectProblem(api.get("/v1/shares/" + kept, null), 404, "share-not-found");
    }

    @Test
    void aLinkToAVersionServesThatVersion() {
        String owner = api.token("vince");
        String name = uniqueName("v");
        byte[] first = randomBytes(300, 1621);
        String id = uploadSmall(owner, name, first);
        uploadSmall(owner, name, randomBytes(400, 1622));
        String pinned = share(owner, id, Map.of("expires_in", 600, "version", 1));
        Api.Response download = api.get("/v1/shares/" + pinned + "/download", null);
        assertThat(download.status()).as(download.body()).isEqualTo(200);
        assertThat(download.json().get("version").asLong()).isEqualTo(1);
        assertThat(api.getUrl(download.json().get("url").asText(), Map.of()).body()).isEqualTo(first);
        assertThat(eventTypes(id)).contains("FileSharedEvent", "FileShareUsedEvent");
    }

    @Test
    void concurrentDownloadsNeverExceedALinksLimit() throws Exception {
        String owner = api.token("connie");
        String id = uploadSmall(owner, uniqueName("popular"), randomBytes(200, 1631));
        String token = share(owner, id, Map.of("expires_in", 600, "max_downloads", 3));
        var pool = java.util.concurrent.Executors.newFixedThreadPool(10);
        try {
            var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < 10; i++) {
                answers.add(pool.submit(() -> api.get("/v1/shares/" + token + "/download", null).status()));
            }
            var statuses = new java.util.ArrayList<Integer>();
            for (var answer : answers) {
                statuses.add(answer.get());
            }
            assertThat(statuses).filteredOn(status -> status == 200).hasSize(3);
            assertThat(statuses).filteredOn(status -> status == 410).hasSize(7);
        } finally {
            pool.shutdown();
        }
        assertThat(eventTypes(id).stream().filter("FileShareUsedEvent"::equals)).hasSize(3);
        // Each use is a download in the trail, naming the link, recorded before the URL was given.
        assertThat(downloadEvents(id)).hasSize(3)
                .allSatisfy(event -> assertThat(event).contains("\"shareId\":\"", "\"chainId\":\""));
    }

    private String share(String owner, String fileId, Map<String, Object> body) {
        Api.Response r = api.post("/v1/files/" + fileId + "/shares", owner, body);
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("token").asText();
    }
}
