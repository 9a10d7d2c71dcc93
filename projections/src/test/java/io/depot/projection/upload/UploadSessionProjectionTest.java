package io.depot.projection.upload;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoDatabase;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import io.depot.file.StorageClass;
import io.depot.platform.MongoStandInVersion;
import io.depot.file.Visibility;
import io.depot.upload.AbortReason;
import io.depot.upload.FindUploadPartsQuery;
import io.depot.upload.FindUploadSessionQuery;
import io.depot.upload.PartUploadedEvent;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadCompletedEvent;
import io.depot.upload.UploadInitiatedEvent;
import io.depot.upload.UploadPlan;
import io.depot.upload.UploadSessionSummary;
import io.depot.upload.UploadStatus;
import io.depot.upload.UploadedPart;
import org.axonframework.queryhandling.SimpleQueryUpdateEmitter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static io.depot.upload.UploadPlan.MIB;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The upload-sessions read model on a real (in-memory) MongoDB: however its events are redelivered, and in whatever
 * order the events of different uploads arrive, it holds what one in-order delivery makes.
 */
class UploadSessionProjectionTest {

    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    private static final UploadPlan PLAN = UploadPlan.of(12 * MIB, 5 * MIB);

    private MongoServer server;
    private MongoClient client;
    private MongoDatabase database;

    /** An event with the sequence number its aggregate gave it. */
    private record Sequenced(Object event, long sequence) {
    }

    @BeforeEach
    void startMongo() {
        server = new MongoServer(new MemoryBackend().version(MongoStandInVersion.MONGO_4_2));
        var address = server.bind();
        client = MongoClients.create("mongodb://127.0.0.1:" + address.getPort());
        database = client.getDatabase("depot");
    }

    @AfterEach
    void stopMongo() {
        client.close();
        server.shutdownNow();
    }

    private static List<Sequenced> history(String uploadId, boolean completes) {
        List<Sequenced> events = new ArrayList<>(List.of(
                new Sequenced(new UploadInitiatedEvent(uploadId, "f-" + uploadId, "alice", "a.bin",
                        "application/octet-stream", PLAN, StorageClass.STANDARD, Visibility.PRIVATE, null,
                        "objects/f/" + uploadId, "mpu-" + uploadId, T0, T0.plusSeconds(3600)), 0),
                new Sequenced(new PartUploadedEvent(uploadId, 1, "e1", 5 * MIB, T0), 1),
                new Sequenced(new PartUploadedEvent(uploadId, 2, "e2", 5 * MIB, T0), 2),
                // Part 1 sent again: a new ETag replaces it, and it still counts once.
                new Sequenced(new PartUploadedEvent(uploadId, 1, "e1-again", 5 * MIB, T0.plusSeconds(1)), 3),
                new Sequenced(new PartUploadedEvent(uploadId, 3, "e3", 2 * MIB, T0), 4)));
        events.add(completes
                ? new Sequenced(new UploadCompletedEvent(uploadId, "alice", "f-" + uploadId, 1, 12 * MIB, "abc", T0), 5)
                : new Sequenced(new UploadAbortedEvent(uploadId, "alice", "objects/f/" + uploadId, "mpu-" + uploadId,
                AbortReason.EXPIRED, T0), 5));
        return events;
    }

    private UploadSessionProjection projection() {
        return new UploadSessionProjection(database, SimpleQueryUpdateEmitter.builder().build());
    }

    private static void deliver(UploadSessionProjection projection, List<Sequenced> events) {
        for (Sequenced e : events) {
            if (e.event() instanceof UploadInitiatedEvent initiated) {
                projection.on(initiated, e.sequence());
            } else if (e.event() instanceof PartUploadedEvent part) {
                projection.on(part, e.sequence());
            } else if (e.event() instanceof UploadCompletedEvent completed) {
                projection.on(completed, e.sequence());
            } else if (e.event() instanceof UploadAbortedEvent aborted) {
                projection.on(aborted, e.sequence());
            }
        }
    }

    /** What the read model answers for both uploads. */
    private record State(UploadSessionSummary a, List<UploadedPart> aParts, UploadSessionSummary b,
                         List<UploadedPart> bParts) {
    }

    private State state(UploadSessionProjection projection) {
        return new State(projection.handle(new FindUploadSessionQuery("u-a")),
                projection.handle(new FindUploadPartsQuery("u-a")),
                projection.handle(new FindUploadSessionQuery("u-b")),
                projection.handle(new FindUploadPartsQuery("u-b")));
    }

    private State onceInOrder() {
        UploadSessionProjection projection = projection();
        deliver(projection, history("u-a", true));
        deliver(projection, history("u-b", false));
        State state = state(projection);
        projection.reset();
        return state;
    }

    @Test
    void oneDeliveryInOrderMakesTheSessionsAndTheirParts() {
        State state = onceInOrder();
        assertThat(state.a().status()).isEqualTo(UploadStatus.COMPLETED);
        assertThat(state.a().partsUploaded()).isEqualTo(3);
        assertThat(state.a().bytesUploaded()).isEqualTo(12 * MIB);
        assertThat(state.a().version()).isEqualTo(1);
        assertThat(state.a().sha256()).isEqualTo("abc");
        assertThat(state.a().sequence()).isEqualTo(5);
        assertThat(state.aParts()).extracting(UploadedPart::etag).containsExactly("e1-again", "e2", "e3");
        assertThat(state.b().status()).isEqualTo(UploadStatus.ABORTED);
        assertThat(state.b().abortReason()).isEqualTo(AbortReason.EXPIRED);
        assertThat(state.b().partsUploaded()).isEqualTo(3);
    }

    @Test
    void everyEventDeliveredTwiceMakesTheSameReadModel() {
        State expected = onceInOrder();
        UploadSessionProjection projection = projection();
        for (String upload : List.of("u-a", "u-b")) {
            for (Sequenced e : history(upload, upload.equals("u-a"))) {
                deliver(projection, List.of(e, e));
            }
        }
        assertThat(state(projection)).isEqualTo(expected);
    }

    @Test
    void aBatchRedeliveredAfterAFailureMakesTheSameReadModel() {
        State expected = onceInOrder();
        UploadSessionProjection projection = projection();
        List<Sequenced> a = history("u-a", true);
        deliver(projection, a.subList(0, 4));
        // The unit of work failed after its handlers ran: its token did not move, and the batch comes again.
        deliver(projection, a);
        deliver(projection, a);
        deliver(projection, history("u-b", false));
        assertThat(state(projection)).isEqualTo(expected);
    }

    @Test
    void theEventsOfDifferentUploadsInterleavedMakeTheSameReadModel() {
        State expected = onceInOrder();
        UploadSessionProjection projection = projection();
        List<Sequenced> a = history("u-a", true);
        List<Sequenced> b = history("u-b", false);
        // Axon keeps one upload's events in order; those of different uploads may come in any order.
        for (int i = a.size() - 1; i >= 0; i--) {
            deliver(projection, List.of(b.get(b.size() - 1 - i), a.get(a.size() - 1 - i)));
        }
        assertThat(state(projection)).isEqualTo(expected);
    }
}
