package io.depot.projection.file;

import com.mongodb.client.MongoDatabase;
import io.depot.file.FileArchiveRetrievalRequestedEvent;
import io.depot.file.FileArchiveRetrievedEvent;
import io.depot.file.FileDeletedEvent;
import io.depot.file.FileVersionRestoredEvent;
import io.depot.file.FileVersionStorageClassChangedEvent;
import io.depot.file.FileVersionStorageClassRequestedEvent;
import io.depot.file.FileVersionView;
import io.depot.file.FindFileVersionQuery;
import io.depot.file.RetrievalStatus;
import io.depot.file.RetrievalTier;
import io.depot.file.FileInfectedEvent;
import io.depot.file.FileScanRequestedEvent;
import io.depot.file.FileScanSkippedEvent;
import io.depot.file.FileScannedEvent;
import io.depot.file.FileStatus;
import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionFailedEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.FileView;
import io.depot.file.FindFileQuery;
import io.depot.file.ScanStatus;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.projection.AggregateEvents;
import io.depot.projection.Redelivery;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.platform.redis.RedisConnectionProperties;
import io.depot.platform.redis.SharedRedis;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static io.depot.projection.Redelivery.minute;
import static org.assertj.core.api.Assertions.assertThat;

/** The {@code files} read model is the same however often and in whatever order across files its events come. */
class FileProjectionRedeliveryTest {

    @AutoClose
    private final Redelivery redelivery = new Redelivery();
    private final List<SharedRedis> connections = new ArrayList<>();
    private final Function<MongoDatabase, Object> projection = database -> {
        // No Redis: the cache stays in the process.
        SharedRedis redis = new SharedRedis(FileViewCacheTest.settings("depot.redis", RedisConnectionProperties.class,
                Map.of()));
        connections.add(redis);
        FileViewCache cache = new FileViewCache(FileViewCacheTest.settings("depot.cache", FileViewCacheProperties.class,
                Map.of("depot.cache.key-prefix", "depot-test:")), redis, Clock.systemUTC(), new SimpleMeterRegistry(),
                ReadModelCollections.of(database));
        return new FileProjection(ReadModelCollections.of(database), cache);
    };

    @AfterEach
    void closeConnections() {
        connections.forEach(SharedRedis::close);
    }

    @Test
    void everyDeliveryOfTheEventsBuildsTheSameFiles() {
        AggregateEvents scanned = new AggregateEvents("StoredFile", "f-scanned");
        AggregateEvents recreated = new AggregateEvents("StoredFile", "f-recreated");
        AggregateEvents lost = new AggregateEvents("StoredFile", "f-lost");
        List<EventMessage<?>> committed = List.of(
                scanned.next(versioned("f-scanned", 1, 0)),
                recreated.next(versioned("f-recreated", 1, 1)),
                scanned.next(new FileScanRequestedEvent("f-scanned", 1, key("f-scanned", 1))),
                scanned.next(new FileScannedEvent("f-scanned", 1, "clamd", "v1", minute(2))),
                recreated.next(new FileScanSkippedEvent("f-recreated", 1, "too large", minute(2))),
                scanned.next(new FileVersionVerifiedEvent("f-scanned", 1, "verified-1")),
                scanned.next(new FileVersionAvailableEvent("f-scanned", 1, key("f-scanned", 1), true, minute(3))),
                recreated.next(new FileVersionAvailableEvent("f-recreated", 1, key("f-recreated", 1), false, minute(3))),
                lost.next(versioned("f-lost", 1, 3)),
                scanned.next(versioned("f-scanned", 2, 4)),
                lost.next(new FileVersionAvailableEvent("f-lost", 1, key("f-lost", 1), false, minute(4))),
                scanned.next(new FileScanRequestedEvent("f-scanned", 2, key("f-scanned", 2))),
                recreated.next(new FileDeletedEvent("f-recreated", "alice", 1, List.of(key("f-recreated", 1)), minute(5))),
                scanned.next(new FileInfectedEvent("f-scanned", 2, key("f-scanned", 2), "Eicar", "quarantine/x", minute(5))),
                lost.next(new FileVersionFailedEvent("f-lost", 1, key("f-lost", 1), "object missing", minute(6))),
                recreated.next(versioned("f-recreated", 2, 7)),
                scanned.next(versioned("f-scanned", 3, 7)),
                recreated.next(new FileVersionAvailableEvent("f-recreated", 2, key("f-recreated", 2), false, minute(8))),
                scanned.next(new FileVersionFailedEvent("f-scanned", 3, key("f-scanned", 3), "checksum", minute(8))));

        redelivery.assertSameReadModel(projection, committed);

        FileProjection files = (FileProjection) projection.apply(redelivery.deliver(projection, committed));
        FileView scannedView = files.handle(new FindFileQuery("f-scanned")).orElseThrow();
        assertThat(scannedView.version()).isEqualTo(3);
        assertThat(scannedView.status()).isEqualTo(FileStatus.FAILED);
        assertThat(scannedView.downloadable().version()).as("the clean first version is still served").isEqualTo(1);
        FileView recreatedView = files.handle(new FindFileQuery("f-recreated")).orElseThrow();
        assertThat(recreatedView.status()).isEqualTo(FileStatus.AVAILABLE);
        assertThat(recreatedView.scan()).isEqualTo(ScanStatus.NOT_CONFIGURED);
        assertThat(recreatedView.createdAt()).as("created again after its deletion").isEqualTo(minute(7));
        FileView lostView = files.handle(new FindFileQuery("f-lost")).orElseThrow();
        assertThat(lostView.status()).isEqualTo(FileStatus.FAILED);
        assertThat(lostView.downloadable()).isNull();
    }

    @Test
    void storageClassChangesAndRetrievalsBuildTheSameFilesHoweverDelivered() {
        AggregateEvents tiered = new AggregateEvents("StoredFile", "f-tiered");
        String key1 = key("f-tiered", 1);
        String key2 = key("f-tiered", 2);
        List<EventMessage<?>> committed = List.of(
                tiered.next(versioned("f-tiered", 1, 0)),
                tiered.next(new FileVersionAvailableEvent("f-tiered", 1, key1, false, minute(1))),
                tiered.next(versioned("f-tiered", 2, 2)),
                tiered.next(new FileVersionAvailableEvent("f-tiered", 2, key2, false, minute(3))),
                tiered.next(new FileVersionStorageClassRequestedEvent("f-tiered", 1, StorageClass.STANDARD,
                        StorageClass.GLACIER, key1, "alice", minute(4))),
                tiered.next(new FileVersionStorageClassChangedEvent("f-tiered", 1, StorageClass.STANDARD,
                        StorageClass.GLACIER, key1, key1 + ".glacier", key1, null, "alice", minute(5))),
                tiered.next(new FileVersionStorageClassChangedEvent("f-tiered", 2, StorageClass.STANDARD,
                        StorageClass.GLACIER, key2, key2 + ".glacier", key2, "archive", null, minute(6))),
                tiered.next(new FileArchiveRetrievalRequestedEvent("f-tiered", 2, key2 + ".glacier", 2,
                        RetrievalTier.BULK, "alice", minute(7))),
                tiered.next(new FileArchiveRetrievedEvent("f-tiered", 2, key2 + ".glacier", minute(60), minute(8))),
                tiered.next(new FileArchiveRetrievalRequestedEvent("f-tiered", 1, key1 + ".glacier", 1,
                        RetrievalTier.STANDARD, "alice", minute(9))),
                tiered.next(new FileVersionRestoredEvent("f-tiered", 3, 2, "alice", "f-tiered.bin",
                        "application/octet-stream", 200, "sha-2", StorageClass.GLACIER, Visibility.PRIVATE,
                        key2 + ".glacier", null, minute(10))));

        redelivery.assertSameReadModel(projection, committed);

        FileProjection files = (FileProjection) projection.apply(redelivery.deliver(projection, committed));
        FileView view = files.handle(new FindFileQuery("f-tiered")).orElseThrow();
        assertThat(view.storageClass()).isEqualTo(StorageClass.GLACIER);
        assertThat(view.version()).as("restored from version 2, sharing its retrieved object").isEqualTo(3);
        assertThat(view.downloadable().objectKey()).isEqualTo(key2 + ".glacier");
        assertThat(view.downloadable().retrievedUntil()).isEqualTo(minute(60));
        assertThat(view.retrieval().status()).isEqualTo(RetrievalStatus.AVAILABLE);
        FileVersionView first = files.handle(new FindFileVersionQuery("f-tiered", 1)).orElseThrow();
        assertThat(first.pinned()).isTrue();
        assertThat(first.objectKey()).isEqualTo(key1 + ".glacier");
        assertThat(first.retrieval().status()).isEqualTo(RetrievalStatus.REQUESTED);
        assertThat(files.handle(new FindFileVersionQuery("f-tiered", 2)).orElseThrow().pinned()).isFalse();
    }

    private static FileVersionedEvent versioned(String fileId, long version, int at) {
        return new FileVersionedEvent(fileId, version, "u-" + fileId + "-" + version, "alice", fileId + ".bin",
                "application/octet-stream", 100 * version, "sha-" + version, StorageClass.STANDARD, Visibility.PRIVATE,
                key(fileId, version), minute(at));
    }

    private static String key(String fileId, long version) {
        return "objects/" + fileId + "/u-" + fileId + "-" + version;
    }
}
