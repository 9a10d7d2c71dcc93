package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** An operator rebuilds a damaged read model from the event store, and gets the original back. */
class ProjectionReplayTest extends EndToEndTest {

    @Test
    void replayingTheFilesProjectionRestoresADamagedReadModel() {
        String owner = api.token("rhea");
        uploadSmall(owner, uniqueName("replayed"), randomBytes(1000, 501));
        uploadSmall(owner, uniqueName("replayed"), randomBytes(1000, 502));
        awaitProjectionsCaughtUp();
        List<Document> before = files();
        // A damaged read model: one document gone, another altered. The replay must restore both.
        var collection = readModels.getCollection("files");
        collection.deleteOne(new Document("_id", before.get(0).getString("_id")));
        collection.updateOne(new Document("_id", before.get(before.size() - 1).getString("_id")),
                new Document("$set", new Document("filename", "damaged")));
        assertThat(files()).isNotEqualTo(before);

        String admin = api.token("ops", "admin");
        Api.Response started = api.post("/v1/admin/projections/files/replay", admin, null);
        assertThat(started.status()).as(started.body()).isEqualTo(202);
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            JsonNode status = api.get("/v1/admin/projections/files", admin).json();
            return status.get("caught_up").asBoolean() && !status.get("replaying").asBoolean();
        });
        assertThat(files()).isEqualTo(before);

        JsonNode all = api.get("/v1/admin/projections", admin).json();
        assertThat(all).extracting(p -> p.get("name").asText()).contains("files", "object-records", "download-history");
        assertThat(api.post("/v1/admin/projections/files/replay", owner, null).status()).isEqualTo(403);
        assertThat(api.get("/v1/admin/projections/no-such-thing", admin).status()).isEqualTo(404);
    }

    private List<Document> files() {
        List<Document> documents = new ArrayList<>();
        readModels.getCollection("files").find().sort(new Document("_id", 1)).forEach(documents::add);
        return documents;
    }
}
