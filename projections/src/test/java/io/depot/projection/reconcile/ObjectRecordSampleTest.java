package io.depot.projection.reconcile;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.depot.platform.MongoStandInVersion;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.reconcile.ObjectRecord;
import io.depot.reconcile.ObjectState;
import io.depot.reconcile.SampleAvailableObjectsQuery;
import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The checksum sample of reconcile runs: only available objects with a recorded SHA-256 outside the archive classes,
 * each at most once, and every one of them in time; with far more than 31 records to choose from, where a
 * {@code $sample} stage failed on the MongoDB stand-in.
 */
class ObjectRecordSampleTest {

    private MongoServer server;
    private MongoClient client;
    private ObjectRecordProjection projection;
    private final Set<String> eligible = new HashSet<>();

    @BeforeEach
    void records() {
        MemoryBackend backend = new MemoryBackend();
        backend.version(MongoStandInVersion.MONGO_4_2);
        server = new MongoServer(backend);
        server.bind("127.0.0.1", 0);
        client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
        MongoDatabase database = client.getDatabase("sample");
        projection = new ObjectRecordProjection(ReadModelCollections.of(database));
        MongoCollection<Document> records = database.getCollection(ObjectRecordProjection.COLLECTION);
        List<Document> documents = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            String id = "objects/f" + i + "/v1";
            String state = i % 4 == 3 ? ObjectState.DELETED.name() : ObjectState.AVAILABLE.name();
            String sha256 = i % 10 == 9 ? null : "sha-" + i;
            String storageClass = i % 7 == 6 ? "GLACIER" : "STANDARD";
            documents.add(new Document("_id", id).append("file_id", "f" + i).append("version", 1L)
                    .append("state", state).append("sha256", sha256).append("storage_class", storageClass));
            if (state.equals(ObjectState.AVAILABLE.name()) && sha256 != null && storageClass.equals("STANDARD")) {
                eligible.add(id);
            }
        }
        records.insertMany(documents);
    }

    @AfterEach
    void stop() {
        client.close();
        server.shutdownNow();
    }

    @Test
    void aSampleHoldsOnlyEligibleObjectsEachOnce() {
        assertThat(eligible).hasSizeGreaterThan(100);
        for (int run = 0; run < 20; run++) {
            List<ObjectRecord> sample = projection.handle(new SampleAvailableObjectsQuery(10)).items();
            assertThat(sample).hasSize(10);
            assertThat(sample).extracting(ObjectRecord::objectKey).doesNotHaveDuplicates()
                    .allSatisfy(key -> assertThat(eligible).contains(key));
        }
    }

    @Test
    void aSampleLargerThanTheEligibleObjectsHoldsThemAll() {
        List<ObjectRecord> sample = projection.handle(new SampleAvailableObjectsQuery(1000)).items();
        assertThat(sample).extracting(ObjectRecord::objectKey).containsExactlyInAnyOrderElementsOf(eligible);
    }

    @Test
    void repeatedSamplesReachEveryEligibleObject() {
        Set<String> reached = new HashSet<>();
        for (int run = 0; run < 200 && !reached.containsAll(eligible); run++) {
            projection.handle(new SampleAvailableObjectsQuery(10)).items().forEach(r -> reached.add(r.objectKey()));
        }
        assertThat(reached).isEqualTo(eligible);
    }
}
