package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Every download, whoever asked and however, is a link of the download trail's hash chains; auditors verify the
 * chains and the read model against them, and export the trail. What a test changes in the stores it puts back, so
 * the trail stays intact for every other test of the shared application.
 */
class DownloadTrailTest extends EndToEndTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void everyKindOfDownloadIsChainedAndTheTrailVerifiesIntact() throws Exception {
        String owner = api.token("tomas");
        String auditor = api.token("audrey", "auditor");
        String fileId = uploadPublic(owner, 3001);
        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS);

        assertThat(api.get("/v1/files/" + fileId + "/download", owner).status()).isEqualTo(200);
        assertThat(api.get("/v1/files/" + fileId + "/download", null).status()).isEqualTo(200);
        assertThat(api.get("/v1/files/" + fileId + "/versions/1/download", auditor).status()).isEqualTo(200);
        String share = api.post("/v1/files/" + fileId + "/shares", owner, Map.of("expires_in", 600)).json()
                .get("token").asText();
        assertThat(api.get("/v1/shares/" + share + "/download", null).status()).isEqualTo(200);
        Instant to = Instant.now().plusSeconds(1);

        List<JsonNode> events = new ArrayList<>();
        for (String payload : downloadEvents(fileId)) {
            events.add(JSON.readTree(payload));
        }
        assertThat(events).hasSize(4).allSatisfy(event -> {
            assertThat(event.at("/link/chainId").asText()).isNotBlank();
            assertThat(event.at("/link/sequence").asLong()).isPositive();
            assertThat(event.at("/link/hash").asText()).hasSize(64);
            assertThat(event.at("/link/previousHash").asText()).hasSize(64);
        });
        assertThat(events).extracting(event -> event.path("userId").asText(null))
                .containsExactly("tomas", null, "audrey", null);
        assertThat(events.get(3).get("shareId").asText()).isNotBlank();

        JsonNode verified = awaitIntact(auditor, "from=" + from + "&to=" + to);
        assertThat(verified.get("checked").asLong()).isEqualTo(4);
        assertThat(verified.get("chains").asLong()).isPositive();
        // The whole trail too, with every download the other tests made.
        awaitIntact(auditor, "");
        assertThat(api.get("/v1/audit/downloads/verify", owner).status()).isEqualTo(403);
        assertThat(api.get("/v1/audit/downloads/verify?from=2026-12-01T00:00:00Z&to=2026-11-01T00:00:00Z", auditor)
                .status()).isEqualTo(400);
    }

    @Test
    void anEditedReadModelRecordIsCaught() {
        String auditor = api.token("audrey", "auditor");
        Downloaded downloaded = downloadOnce(auditor, "ursula", 3002);
        String range = downloaded.range();
        String eventId = downloaded.record().get("event_id").asText();

        var downloads = readModel("download-history", "downloads");
        downloads.updateOne(new Document("_id", eventId), new Document("$set", new Document("user_id", "nobody")));
        try {
            JsonNode broken = expectBroken(auditor, range, "read-model-differs");
            assertThat(broken.get("event_id").asText()).isEqualTo(eventId);
            assertThat(broken.get("detail").asText()).contains("user_id");
        } finally {
            downloads.updateOne(new Document("_id", eventId), new Document("$set", new Document("user_id", "ursula")));
        }
        awaitIntact(auditor, range);
    }

    @Test
    void anEditedEventIsCaughtNamingItsLink() {
        String auditor = api.token("audrey", "auditor");
        Downloaded downloaded = downloadOnce(auditor, "victor", 3003);
        String range = downloaded.range();
        JsonNode record = downloaded.record();
        String eventId = record.get("event_id").asText();

        byte[] original = jdbc.queryForObject("SELECT payload FROM DomainEventEntry WHERE eventIdentifier = ?",
                byte[].class, eventId);
        String payload = new String(original, StandardCharsets.UTF_8);
        assertThat(payload).contains("\"userId\":\"victor\"");
        jdbc.update("UPDATE DomainEventEntry SET payload = ? WHERE eventIdentifier = ?",
                payload.replace("\"userId\":\"victor\"", "\"userId\":\"vicky\"").getBytes(StandardCharsets.UTF_8), eventId);
        try {
            JsonNode broken = expectBroken(auditor, range, "edited");
            assertThat(broken.get("event_id").asText()).isEqualTo(eventId);
            assertThat(broken.get("chain_id").asText()).isEqualTo(record.get("chain_id").asText());
            assertThat(broken.get("sequence").asLong()).isEqualTo(record.get("chain_sequence").asLong());
        } finally {
            jdbc.update("UPDATE DomainEventEntry SET payload = ? WHERE eventIdentifier = ?", original, eventId);
        }
        awaitIntact(auditor, range);
    }

    @Test
    void aRemovedLinkIsCaughtByTheLinkAfterIt() {
        String auditor = api.token("audrey", "auditor");
        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String owner = api.token("wanda");
        String fileId = uploadSmall(owner, uniqueName("removed"), randomBytes(64, 3004));
        assertThat(api.get("/v1/files/" + fileId + "/download", owner).status()).isEqualTo(200);
        assertThat(api.get("/v1/files/" + fileId + "/download", owner).status()).isEqualTo(200);
        String range = "from=" + from + "&to=" + Instant.now().plusSeconds(1);
        awaitIntact(auditor, range);
        JsonNode first = records(auditor, fileId).get(1); // newest first

        Map<String, Object> row = jdbc.queryForMap("SELECT * FROM DomainEventEntry WHERE eventIdentifier = ?",
                first.get("event_id").asText());
        jdbc.update("DELETE FROM DomainEventEntry WHERE eventIdentifier = ?", first.get("event_id").asText());
        try {
            JsonNode broken = expectBroken(auditor, range, "missing-links");
            assertThat(broken.get("chain_id").asText()).isEqualTo(first.get("chain_id").asText());
            assertThat(broken.get("sequence").asLong()).isEqualTo(first.get("chain_sequence").asLong() + 1);
        } finally {
            List<String> columns = new ArrayList<>(row.keySet());
            jdbc.update("INSERT INTO DomainEventEntry (" + String.join(", ", columns) + ") VALUES ("
                    + String.join(", ", columns.stream().map(c -> "?").toList()) + ")",
                    columns.stream().map(row::get).toArray());
        }
        awaitIntact(auditor, range);
    }

    @Test
    void theExportHoldsEveryRecordOfTheRangeInBothFormats() throws Exception {
        String auditor = api.token("audrey", "auditor");
        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        String owner = api.token("xavier");
        String fileId = uploadSmall(owner, uniqueName("exported"), randomBytes(64, 3005));
        for (int i = 0; i < 3; i++) {
            assertThat(api.get("/v1/files/" + fileId + "/download", owner).status()).isEqualTo(200);
        }
        String range = "from=" + from + "&to=" + Instant.now().plusSeconds(1);
        await().atMost(Duration.ofSeconds(30)).until(() -> records(auditor, fileId).size() == 3);

        Api.Response ndjson = api.get("/v1/audit/downloads/export?format=ndjson&" + range, auditor);
        assertThat(ndjson.status()).as(ndjson.body()).isEqualTo(200);
        assertThat(ndjson.contentType()).startsWith("application/x-ndjson");
        List<JsonNode> lines = new ArrayList<>();
        for (String line : ndjson.body().split("\n")) {
            lines.add(JSON.readTree(line));
        }
        List<JsonNode> expected = records(auditor, fileId);
        java.util.Collections.reverse(expected); // the listing is newest first, the export in the trail's order
        assertThat(lines).hasSize(3).isEqualTo(expected);

        Api.Response csv = api.get("/v1/audit/downloads/export?format=csv&" + range, auditor);
        assertThat(csv.status()).as(csv.body()).isEqualTo(200);
        assertThat(csv.contentType()).startsWith("text/csv");
        String[] rows = csv.body().split("\r\n");
        assertThat(rows).hasSize(4);
        assertThat(rows[0]).isEqualTo("event_id,file_id,version,user_id,client_address,downloaded_at,share_id,"
                + "chain_id,chain_sequence,previous_hash,hash");
        for (int i = 0; i < 3; i++) {
            JsonNode record = expected.get(i);
            assertThat(rows[i + 1]).isEqualTo(String.join(",", record.get("event_id").asText(), fileId, "1", "xavier",
                    "127.0.0.1", record.get("downloaded_at").asText(), "", record.get("chain_id").asText(),
                    record.get("chain_sequence").asText(), record.get("previous_hash").asText(),
                    record.get("hash").asText()));
        }
        assertThat(api.get("/v1/audit/downloads/export?format=xml", auditor).status()).isEqualTo(400);
    }

    @Test
    void replayingTheDownloadHistoryRebuildsTheSameHashes() {
        String auditor = api.token("audrey", "auditor");
        Downloaded downloaded = downloadOnce(auditor, "yusuf", 3006);
        String fileId = downloaded.fileId();
        List<JsonNode> before = records(auditor, fileId);

        String admin = api.token("ops", "admin");
        Api.Response started = api.post("/v1/admin/projections/download-history/replay", admin, null);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode status = api.get("/v1/admin/projections/download-history", admin).json();
            return status.get("caught_up").asBoolean() && !status.get("replaying").asBoolean();
        });

        assertThat(records(auditor, fileId)).isEqualTo(before);
        assertThat(before).allSatisfy(record -> assertThat(record.get("hash").asText()).hasSize(64));
        awaitIntact(auditor, downloaded.range());
    }

    // ---- helpers -----------------------------------------------------------------------------------------

    private String uploadPublic(String owner, long seed) {
        JsonNode upload = api.post("/v1/uploads/initiate", owner, Map.of("filename", uniqueName("trail"),
                "content_type", "application/octet-stream", "size", 128, "public", true)).json();
        putSingle(upload, randomBytes(128, seed));
        String fileId = complete(owner, upload.get("upload_id").asText()).get("file_id").asText();
        awaitFile(owner, fileId, 1);
        return fileId;
    }

    /** A file downloaded once, the range of that download (verified intact), and its read-model record. */
    private record Downloaded(String fileId, String range, JsonNode record) {
    }

    /** A new file of {@code user}'s, downloaded once by them. */
    private Downloaded downloadOnce(String auditor, String user, long seed) {
        String token = api.token(user);
        String fileId = uploadSmall(token, uniqueName("trail"), randomBytes(64, seed));
        Instant from = Instant.now().truncatedTo(ChronoUnit.MILLIS);
        assertThat(api.get("/v1/files/" + fileId + "/download", token).status()).isEqualTo(200);
        String range = "from=" + from + "&to=" + Instant.now().plusSeconds(1);
        awaitIntact(auditor, range);
        await().atMost(Duration.ofSeconds(30)).until(() -> records(auditor, fileId).size() == 1);
        return new Downloaded(fileId, range, records(auditor, fileId).get(0));
    }

    private List<JsonNode> records(String auditor, String fileId) {
        List<JsonNode> records = new ArrayList<>();
        api.get("/v1/audit/downloads?size=100&file_id=" + fileId, auditor).json().get("items").forEach(records::add);
        return records;
    }

    /** The first broken link verification names, which must have {@code problem}. */
    private JsonNode expectBroken(String auditor, String range, String problem) {
        JsonNode verified = verify(auditor, range);
        assertThat(verified.get("intact").asBoolean()).as(verified.toString()).isFalse();
        assertThat(verified.at("/broken/problem").asText()).as(verified.toString()).isEqualTo(problem);
        return verified.get("broken");
    }

    private JsonNode verify(String auditor, String range) {
        Api.Response verified = api.get("/v1/audit/downloads/verify?" + range, auditor);
        assertThat(verified.status()).as(verified.body()).isEqualTo(200);
        return verified.json();
    }

    /** Verifies until the read model has caught up with the downloads just made, and the trail is intact. */
    private JsonNode awaitIntact(String auditor, String range) {
        List<JsonNode> last = new ArrayList<>(1);
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            JsonNode verified = verify(auditor, range);
            last.clear();
            last.add(verified);
            assertThat(verified.get("intact").asBoolean()).as(verified.toString()).isTrue();
        });
        return last.get(0);
    }
}
