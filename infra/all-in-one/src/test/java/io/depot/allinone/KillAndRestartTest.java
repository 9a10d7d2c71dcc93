package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.testing.TestPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.sql.DriverManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Depot runs as a process of its own, is killed with SIGKILL while a part streams through it, and is
 * started again; the client resumes from what the server kept, and the file ends whole.
 */
class KillAndRestartTest {

    private static final long PART = 5L * EndToEndTest.MIB;

    private static TestStores stores;
    private DepotProcess depot;

    @BeforeAll
    static void servers() throws Exception {
        stores = TestStores.start("kill");
    }

    @AfterAll
    static void stopServers() throws Exception {
        if (stores != null) {
            stores.close();
        }
    }

    @AfterEach
    void stopDepot() throws InterruptedException {
        if (depot != null) {
            depot.close();
        }
    }

    @Test
    void aClientResumesAfterDepotIsKilledWhileAPartStreams() throws Exception {
        Api first = start();
        String firstToken = first.token("gina");
        byte[] data = EndToEndTest.randomBytes(64 * EndToEndTest.MIB, 101);
        JsonNode upload = first.post("/v1/uploads/initiate", firstToken, Map.of("filename", "killed.bin",
                "content_type", "application/octet-stream", "size", data.length, "part_size", PART,
                "sha256", EndToEndTest.sha256(data))).json();
        String uploadId = upload.get("upload_id").asText();
        for (int part = 1; part <= 5; part++) {
            Api.Response streamed = first.put("/v1/uploads/" + uploadId + "/parts/" + part, firstToken,
                    EndToEndTest.slice(data, PART, part));
            assertThat(streamed.status()).isEqualTo(200);
        }

        CompletableFuture<Object> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return first.put("/v1/uploads/" + uploadId + "/parts/6", firstToken, EndToEndTest.slice(data, PART, 6));
            } catch (RuntimeException e) {
                return e;
            }
        });
        Thread.sleep(50);
        depot.kill();
        inFlight.join();

        Api api = start();
        String token = api.token("gina");
        JsonNode state = api.get("/v1/uploads/" + uploadId, token).json();
        assertThat(state.get("status").asText()).isEqualTo("in_progress");
        assertThat(state.get("parts_uploaded").size()).isBetween(5, 6);
        for (JsonNode missing : state.get("missing_parts")) {
            int part = missing.asInt();
            Api.Response streamed = api.put("/v1/uploads/" + uploadId + "/parts/" + part, token,
                    EndToEndTest.slice(data, PART, part));
            assertThat(streamed.status()).as(streamed.body()).isEqualTo(200);
        }
        Api.Response completed = api.post("/v1/uploads/" + uploadId + "/complete", token, null);
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
        String fileId = completed.json().get("file_id").asText();

        assertThat(EndToEndTest.sha256(api.downloadWhenAvailable(token, fileId))).isEqualTo(EndToEndTest.sha256(data));
        assertThat(uploadEvents(uploadId)).filteredOn("PartUploadedEvent"::equals).hasSize(13);
        assertThat(uploadEvents(uploadId)).startsWith("UploadInitiatedEvent").endsWith("UploadCompletedEvent");
    }

    private Api start() throws IOException {
        depot = DepotProcess.start(stores.dataDir(), List.of("-Xmx512m"), List.of(
                "--depot.embedded.data-dir=" + stores.dataDir(),
                "--spring.datasource.url=" + stores.jdbcUrl(),
                "--spring.datasource.username=" + TestPostgres.user(),
                "--spring.datasource.password=" + TestPostgres.password(),
                "--spring.data.mongodb.uri=mongodb://127.0.0.1:" + stores.mongo().getLocalAddress().getPort() + "/depot",
                "--depot.storage.endpoint=" + stores.s3().endpoint(),
                "--depot.storage.access-key=" + TestStores.ACCESS_KEY,
                "--depot.storage.secret-key=" + TestStores.SECRET_KEY));
        return depot.api();
    }

    private static List<String> uploadEvents(String uploadId) throws Exception {
        List<String> types = new ArrayList<>();
        try (var c = DriverManager.getConnection(stores.jdbcUrl(), TestPostgres.user(), TestPostgres.password());
             var s = c.prepareStatement("SELECT payloadType FROM DomainEventEntry WHERE aggregateIdentifier = ? "
                     + "ORDER BY sequenceNumber")) {
            s.setString(1, uploadId);
            try (var r = s.executeQuery()) {
                while (r.next()) {
                    String type = r.getString(1);
                    types.add(type.substring(type.lastIndexOf('.') + 1));
                }
            }
        }
        return types;
    }
}
