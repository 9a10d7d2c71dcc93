package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Auditors read who downloaded what; every refusal is counted and written to the audit log without secrets. */
@ExtendWith(OutputCaptureExtension.class)
class AuditTest extends EndToEndTest {

    @Autowired
    MeterRegistry meters;

    @Test
    void auditorsSeeEveryDownloadIncludingAnonymousOnesOfPublicFiles() {
        String owner = api.token("paula");
        String reader = api.token("quentin");
        String auditor = api.token("audrey", "auditor");
        JsonNode upload = api.post("/v1/uploads/initiate", owner, Map.of("filename", uniqueName("public"),
                "content_type", "application/octet-stream", "size", 512, "public", true)).json();
        putSingle(upload, randomBytes(512, 401));
        String fileId = complete(owner, upload.get("upload_id").asText()).get("file_id").asText();
        awaitFile(owner, fileId, 1);

        assertThat(api.get("/v1/files/" + fileId + "/download", reader).status()).isEqualTo(200);
        Api.Response anonymous = api.get("/v1/files/" + fileId + "/download", null);
        assertThat(anonymous.status()).as(anonymous.body()).isEqualTo(200);
        assertThat(api.getUrl(anonymous.json().get("url").asText(), Map.of()).body()).hasSize(512);

        await().atMost(Duration.ofSeconds(10)).until(() ->
                api.get("/v1/audit/downloads?file_id=" + fileId, auditor).json().get("items").size() == 2);
        JsonNode items = api.get("/v1/audit/downloads?file_id=" + fileId, auditor).json().get("items");
        assertThat(items.get(0).has("user_id")).as("the anonymous download, newest first").isFalse();
        assertThat(items.get(1).get("user_id").asText()).isEqualTo("quentin");
        assertThat(items.get(1).get("client_address").asText()).isEqualTo("127.0.0.1");
        assertThat(api.get("/v1/audit/downloads?user_id=quentin&file_id=" + fileId, auditor).json().get("items")).hasSize(1);
        assertThat(api.get("/v1/audit/downloads?from=not-a-date", auditor).status()).isEqualTo(400);
        assertThat(api.get("/v1/audit/downloads", owner).status()).isEqualTo(403);
        // Each role has its rights and no other's.
        String admin = api.token("adam", "admin");
        assertThat(api.get("/v1/audit/downloads", admin).status()).isEqualTo(403);
        assertThat(api.get("/v1/admin/reconcile-runs", auditor).status()).isEqualTo(403);
        assertThat(api.post("/v1/admin/reconcile-runs", auditor, null).status()).isEqualTo(403);
    }

    @Test
    void concurrentDownloadsAreEachRecordedOnce() throws Exception {
        String owner = api.token("rita");
        String auditor = api.token("audrey", "auditor");
        JsonNode upload = api.post("/v1/uploads/initiate", owner, Map.of("filename", uniqueName("busy"),
                "content_type", "application/octet-stream", "size", 256)).json();
        putSingle(upload, randomBytes(256, 402));
        String fileId = complete(owner, upload.get("upload_id").asText()).get("file_id").asText();
        awaitFile(owner, fileId, 1);

        int downloads = 40;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(16);
        try {
            var answers = new java.util.ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < downloads; i++) {
                answers.add(pool.submit(() -> api.get("/v1/files/" + fileId + "/download", owner).status()));
            }
            for (var answer : answers) {
                assertThat(answer.get()).isEqualTo(200);
            }
        } finally {
            pool.shutdown();
        }
        // Downloads that arrive together are appended together; each is still its own event, stored once.
        await().atMost(Duration.ofSeconds(10)).until(() -> api.get("/v1/audit/downloads?size=100&file_id=" + fileId,
                auditor).json().get("items").size() == downloads);
        JsonNode items = api.get("/v1/audit/downloads?size=100&file_id=" + fileId, auditor).json().get("items");
        assertThat(java.util.stream.StreamSupport.stream(items.spliterator(), false)
                .map(item -> item.get("event_id").asText()).distinct().count()).isEqualTo(downloads);
    }

    @Test
    void refusalsAreCountedAndAuditedWithoutTheToken(CapturedOutput output) {
        String token = api.token("rene");
        double before = refused("invalid-filename");
        Api.Response refused = api.post("/v1/uploads/initiate", token, Map.of("filename", "../secret.txt",
                "content_type", "text/plain", "size", 10));
        assertThat(refused.status()).isEqualTo(400);
        assertThat(refused("invalid-filename")).isEqualTo(before + 1);
        assertThat(output.getOut()).contains("refused POST /v1/uploads/initiate from 127.0.0.1: 400 invalid-filename")
                .doesNotContain(token);
    }

    private double refused(String code) {
        var counter = meters.find("depot.requests.refused").tag("code", code).counter();
        return counter == null ? 0 : counter.count();
    }
}
