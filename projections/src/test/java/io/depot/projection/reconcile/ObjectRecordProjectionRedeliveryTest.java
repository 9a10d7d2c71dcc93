package io.depot.projection.reconcile;

import io.depot.file.FileDeletedEvent;
import io.depot.file.FileInfectedEvent;
import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionStorageClassChangedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.AggregateEvents;
import io.depot.projection.Redelivery;
import io.depot.reconcile.ObjectState;
import io.depot.upload.AbortReason;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadCompletedEvent;
import io.depot.upload.UploadInitiatedEvent;
import io.depot.upload.UploadMode;
import io.depot.upload.UploadPlan;
import org.axonframework.eventhandling.EventMessage;
import org.bson.Document;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static io.depot.projection.Redelivery.minute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The {@code object_records} read model is the same however often its events come, and whatever the order between
 * an upload's events and its file's, which are events of two aggregates.
 */
class ObjectRecordProjectionRedeliveryTest {

    @AutoClose
    private final Redelivery redelivery = new Redelivery();

    @Test
    void everyDeliveryOfTheEventsRecordsTheSameObjects() {
        AggregateEvents first = new AggregateEvents("UploadSession", "u1");
        AggregateEvents abandoned = new AggregateEvents("UploadSession", "u2");
        AggregateEvents second = new AggregateEvents("UploadSession", "u3");
        AggregateEvents open = new AggregateEvents("UploadSession", "u4");
        AggregateEvents file = new AggregateEvents("StoredFile", "f1");
        List<EventMessage<?>> committed = List.of(
                first.next(initiated("u1", "f1", 0)),
                abandoned.next(initiated("u2", "f2", 1)),
                first.next(new UploadCompletedEvent("u1", "alice", "f1", 1, 100, "sha-1", minute(2))),
                file.next(versioned("u1", 1, 2)),
                file.next(new FileVersionVerifiedEvent("f1", 1, "verified-1")),
                abandoned.next(new UploadAbortedEvent("u2", "alice", key("f2", "u2"), "s3-u2", AbortReason.CLIENT_ABORTED,
                        minute(3))),
                file.next(new FileVersionAvailableEvent("f1", 1, key("f1", "u1"), false, minute(3))),
                second.next(initiated("u3", "f1", 4)),
                open.next(initiated("u4", "f4", 4)),
                second.next(new UploadCompletedEvent("u3", "alice", "f1", 2, 100, "sha-2", minute(5))),
                file.next(versioned("u3", 2, 5)),
                file.next(new FileInfectedEvent("f1", 2, key("f1", "u3"), "Eicar", "quarantine/u3", minute(6))),
                file.next(new FileDeletedEvent("f1", "alice", 2, List.of(key("f1", "u1")), minute(7))));

        Map<String, List<Document>> readModel = redelivery.assertSameReadModel(
                database -> new ObjectRecordProjection(ReadModelCollections.of(database)), committed);

        assertThat(readModel.get(ObjectRecordProjection.COLLECTION))
                .extracting(d -> d.getString("_id") + " " + d.getString("state"))
                .containsExactly(key("f1", "u1") + " " + ObjectState.DELETED, key("f1", "u3") + " " + ObjectState.FAILED,
                        key("f2", "u2") + " " + ObjectState.RELEASED, key("f4", "u4") + " " + ObjectState.UPLOADING);
    }

    @Test
    void aVersionMovedToAnotherClassHoldsItsCopyAndReleasesItsObject() {
        AggregateEvents upload = new AggregateEvents("UploadSession", "u1");
        AggregateEvents file = new AggregateEvents("StoredFile", "f1");
        String moved = key("f1", "u1") + ".glacier";
        List<EventMessage<?>> committed = List.of(
                upload.next(initiated("u1", "f1", 0)),
                upload.next(new UploadCompletedEvent("u1", "alice", "f1", 1, 100, "sha-1", minute(2))),
                file.next(versioned("u1", 1, 2)),
                file.next(new FileVersionAvailableEvent("f1", 1, key("f1", "u1"), false, minute(3))),
                file.next(new FileVersionStorageClassChangedEvent("f1", 1, StorageClass.STANDARD, StorageClass.GLACIER,
                        key("f1", "u1"), moved, key("f1", "u1"), "archive", null, minute(4))));

        Map<String, List<Document>> readModel = redelivery.assertSameReadModel(
                database -> new ObjectRecordProjection(ReadModelCollections.of(database)), committed);

        assertThat(readModel.get(ObjectRecordProjection.COLLECTION))
                .extracting(d -> d.getString("_id") + " " + d.getString("state") + " " + d.getString("sha256"))
                .containsExactly(key("f1", "u1") + " " + ObjectState.DELETED + " sha-1",
                        moved + " " + ObjectState.AVAILABLE + " sha-1");
    }

    private static UploadInitiatedEvent initiated(String uploadId, String fileId, int at) {
        return new UploadInitiatedEvent(uploadId, fileId, "alice", uploadId + ".bin", "application/octet-stream",
                new UploadPlan(100, 100, 1, UploadMode.SINGLE), StorageClass.STANDARD, Visibility.PRIVATE, null,
                key(fileId, uploadId), "s3-" + uploadId, minute(at), minute(at + 60));
    }

    private static FileVersionedEvent versioned(String uploadId, long version, int at) {
        return new FileVersionedEvent("f1", version, uploadId, "alice", "f1.bin", "application/octet-stream", 100,
                "sha-" + version, StorageClass.STANDARD, Visibility.PRIVATE, key("f1", uploadId), minute(at));
    }

    private static String key(String fileId, String uploadId) {
        return "objects/" + fileId + "/" + uploadId;
    }
}
