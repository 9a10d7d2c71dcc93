package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.testing.TestPostgres;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.domain.MultipartPart;
import org.jclouds.blobstore.domain.MultipartUpload;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.sql.DriverManager;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Depot runs as a process of its own, is killed with SIGKILL while a part streams through it, and is
 * started again: the session and storage hold exactly the parts finished before the kill, the client resumes from
 * there, and the file ends whole.
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

        // Half of part 6 goes out and the rest is held back: the kill lands once its bytes are reaching storage.
        try (Socket stalled = StalledPart.send(depot.port(), firstToken, uploadId, 6,
                EndToEndTest.slice(data, PART, 6))) {
            await().atMost(Duration.ofSeconds(20)).until(() -> StalledPart.unfinishedWrites(stores.dataDir()) == 1);
            depot.kill();
        }

        Api api = start();
        String token = api.token("gina");
        JsonNode state = api.get("/v1/uploads/" + uploadId, token).json();
        assertThat(state.get("status").asText()).isEqualTo("in_progress");
        assertThat(state.get("parts_uploaded").findValuesAsText("part_number")).containsExactly("1", "2", "3", "4", "5");
        assertThat(state.get("missing_parts").toString()).isEqualTo("[6,7,8,9,10,11,12,13]");
        assertThat(storedParts(uploadId)).as("the parts storage holds").containsExactly(1, 2, 3, 4, 5);
        assertThat(StalledPart.unfinishedWrites(stores.dataDir())).as("the cut write left nothing").isZero();
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

    /** The part numbers the object store holds for the upload's multipart upload, which must be the only one. */
    private static List<Integer> storedParts(String uploadId) {
        BlobStore blobs = stores.s3().context().getBlobStore();
        List<MultipartUpload> uploads = blobs.listMultipartUploads("depot").stream()
                .filter(u -> u.blobName().endsWith("/" + uploadId)).toList();
        assertThat(uploads).hasSize(1);
        return blobs.listMultipartUpload(uploads.get(0)).stream().map(MultipartPart::partNumber).sorted().toList();
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
