package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The all-in-one on its embedded default (event store, read models and object store all in its own process) is
 * killed with SIGKILL while parts of two uploads stream through it. After the restart one upload is resumed and
 * completed whole, and the other is aborted with its storage released: the half-written parts left nothing behind
 * that breaks the upload or holds storage.
 */
class EmbeddedKillDuringPartTest {

    private static final int PART = 5 * EndToEndTest.MIB;

    private DepotProcess depot;

    @AfterEach
    void stopDepot() throws InterruptedException {
        if (depot != null) {
            depot.close();
        }
    }

    @Test
    void uploadsCutByAKillResumeOrAbortCleanly() throws Exception {
        Path dataDir = Files.createTempDirectory("depot-embedded-kill-");
        Api api = start(dataDir);
        String token = api.token("hal");
        byte[] data = EndToEndTest.randomBytes(2 * PART, 601);
        String resumed = initiate(api, token, "resumed.bin", data);
        String aborted = initiate(api, token, "aborted.bin", data);
        for (String upload : List.of(resumed, aborted)) {
            Api.Response first = api.put("/v1/uploads/" + upload + "/parts/1", token, EndToEndTest.slice(data, PART, 1));
            assertThat(first.status()).as(first.body()).isEqualTo(200);
        }

        // Half of each second part reaches storage; then the whole process dies.
        List<Socket> streams = new ArrayList<>();
        for (String upload : List.of(resumed, aborted)) {
            streams.add(StalledPart.send(depot.port(), token, upload, 2, EndToEndTest.slice(data, PART, 2)));
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> StalledPart.unfinishedWrites(dataDir) >= 2);
        depot.kill();
        for (Socket stream : streams) {
            stream.close();
        }

        api = start(dataDir);
        token = api.token("hal");
        JsonNode state = api.get("/v1/uploads/" + resumed, token).json();
        assertThat(state.get("status").asText()).isEqualTo("in_progress");
        assertThat(state.get("missing_parts")).hasSize(1);
        assertThat(state.get("missing_parts").get(0).asInt()).isEqualTo(2);
        Api.Response second = api.put("/v1/uploads/" + resumed + "/parts/2", token, EndToEndTest.slice(data, PART, 2));
        assertThat(second.status()).as(second.body()).isEqualTo(200);
        Api.Response completed = api.post("/v1/uploads/" + resumed + "/complete", token, null);
        assertThat(completed.status()).as(completed.body()).isEqualTo(200);
        String fileId = completed.json().get("file_id").asText();
        assertThat(EndToEndTest.sha256(api.downloadWhenAvailable(token, fileId))).isEqualTo(EndToEndTest.sha256(data));

        Api.Response abort = api.delete("/v1/uploads/" + aborted, token);
        assertThat(abort.status()).as(abort.body()).isEqualTo(204);
        assertThat(StalledPart.unfinishedWrites(dataDir)).isZero();
        // The aborted upload's parts are gone from storage; what remains is the completed file's object.
        assertThat(StalledPart.storedFiles(dataDir)).noneMatch(f -> f.contains(".mpus-")).noneMatch(f -> f.contains(aborted));
    }

    private static String initiate(Api api, String token, String filename, byte[] data) {
        Api.Response r = api.post("/v1/uploads/initiate", token, Map.of("filename", filename,
                "content_type", "application/octet-stream", "size", data.length, "part_size", PART));
        assertThat(r.status()).as(r.body()).isEqualTo(201);
        return r.json().get("upload_id").asText();
    }

    private Api start(Path dataDir) throws IOException {
        depot = DepotProcess.start(dataDir, List.of("-Xmx512m", "-XX:TieredStopAtLevel=1"),
                List.of("--depot.embedded.data-dir=" + dataDir));
        return depot.api();
    }
}
