package io.depot.projection.reconcile;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Projections;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.depot.blob.BlobReferencedEvent;
import io.depot.blob.BlobReleasedEvent;
import io.depot.file.FileDeletedEvent;
import io.depot.file.FileVersionDeletedEvent;
import io.depot.file.FileInfectedEvent;
import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionFailedEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionStorageClassChangedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.StorageClass;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.reconcile.ListObjectRecordsQuery;
import io.depot.reconcile.ObjectRecord;
import io.depot.reconcile.ObjectRecordPage;
import io.depot.reconcile.ObjectState;
import io.depot.reconcile.SampleAvailableObjectsQuery;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadInitiatedEvent;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The {@code object_records} read model: one document per object key with what storage should hold there. The
 * reconcile job walks it beside a bucket listing. The events of one aggregate arrive in order, those of an upload
 * and of its file need not: an upload's initiate never overwrites what its file's events recorded, so any
 * redelivery rebuilds the same documents.
 */
@Component
@ProcessingGroup(ObjectRecordProjection.GROUP)
public class ObjectRecordProjection {

    public static final String GROUP = "object-records";
    static final String COLLECTION = "object_records";

    private static final List<String> ARCHIVED = java.util.Arrays.stream(StorageClass.values())
            .filter(StorageClass::archive).map(Enum::name).toList();

    private final MongoCollection<Document> records;

    public ObjectRecordProjection(ReadModelCollections collections) {
        this.records = collections.collection(GROUP, COLLECTION);
    }

    /**
     * The upload's first event, but of another aggregate than its file's: a processor can see the file's events for
     * the same key first (a lower global index committed later, or another segment), and a redelivery can bring it
     * after its own abort. Either way the state already recorded is the later one, so it sets the state only on a new
     * record.
     */
    @EventHandler
    void on(UploadInitiatedEvent event) {
        records.updateOne(Filters.eq("_id", event.objectKey()), Updates.combine(
                Updates.set("upload_id", event.uploadId()), Updates.set("file_id", event.fileId()),
                Updates.set("owner_id", event.ownerId()), Updates.set("storage_upload_id", event.storageUploadId()),
                Updates.setOnInsert("state", ObjectState.UPLOADING.name()),
                Updates.setOnInsert("updated_at", Date.from(event.initiatedAt()))), new UpdateOptions().upsert(true));
    }

    @EventHandler
    void on(UploadAbortedEvent event) {
        set(event.objectKey(), event.abortedAt(), Updates.set("state", ObjectState.RELEASED.name()));
    }

    @EventHandler
    void on(FileVersionedEvent event) {
        set(event.objectKey(), event.versionedAt(), Updates.set("upload_id", event.uploadId()),
                Updates.set("file_id", event.fileId()), Updates.set("version", event.version()),
                Updates.set("sha256", event.sha256()), Updates.set("state", ObjectState.PROCESSING.name()));
    }

    @EventHandler
    void on(FileVersionVerifiedEvent event) {
        if (event.sha256() != null) {
            records.updateMany(Filters.and(Filters.eq("file_id", event.fileId()), Filters.eq("version", event.version())),
                    Updates.set("sha256", event.sha256()));
        }
    }

    @EventHandler
    void on(FileVersionAvailableEvent event) {
        set(event.objectKey(), event.at(), Updates.set("state", ObjectState.AVAILABLE.name()));
    }

    @EventHandler
    void on(FileVersionFailedEvent event) {
        set(event.objectKey(), event.at(), Updates.set("state", ObjectState.FAILED.name()));
    }

    /** The scanner found malware: the object leaves its key for the quarantine (or is deleted). */
    @EventHandler
    void on(FileInfectedEvent event) {
        set(event.objectKey(), event.at(), Updates.set("state", ObjectState.FAILED.name()));
    }

    @EventHandler
    void on(FileVersionDeletedEvent event) {
        if (event.objectKey() != null) {
            set(event.objectKey(), event.at(), Updates.set("state", ObjectState.DELETED.name()));
        }
    }

    @EventHandler
    void on(FileDeletedEvent event) {
        if (!event.objectKeys().isEmpty()) {
            records.updateMany(Filters.in("_id", event.objectKeys()), Updates.combine(
                    Updates.set("state", ObjectState.DELETED.name()), Updates.set("updated_at", Date.from(event.deletedAt()))));
        }
    }

    /**
     * The version's copy in its new class is held from now on, with what its former object's record said of it;
     * the former object is deleted when released. Archived copies are left out of checksum samples: they cannot be
     * read without a retrieval.
     */
    @EventHandler
    void on(FileVersionStorageClassChangedEvent event) {
        Document previous = records.find(Filters.eq("_id", event.previousObjectKey())).first();
        List<Bson> updates = new ArrayList<>(List.of(Updates.set("file_id", event.fileId()),
                Updates.set("version", event.version()), Updates.set("state", ObjectState.AVAILABLE.name()),
                Updates.set("storage_class", event.to().name())));
        if (previous != null) {
            updates.add(Updates.set("upload_id", previous.getString("upload_id")));
            updates.add(Updates.set("sha256", previous.getString("sha256")));
        }
        set(event.objectKey(), event.at(), updates.toArray(Bson[]::new));
        if (event.releasedObjectKey() != null) {
            set(event.releasedObjectKey(), event.at(), Updates.set("state", ObjectState.DELETED.name()));
        }
    }

    /** A second copy of stored bytes: the version uses the first, and its upload's copy is deleted. */
    @EventHandler
    void on(BlobReferencedEvent event) {
        if (event.duplicateKey() != null) {
            set(event.duplicateKey(), event.at(), Updates.set("state", ObjectState.DELETED.name()));
        }
    }

    /** Shared content's object is deleted only once no version anywhere uses it. */
    @EventHandler
    void on(BlobReleasedEvent event) {
        for (String key : event.deletedKeys()) {
            set(key, event.at(), Updates.set("state", ObjectState.DELETED.name()));
        }
    }

    private void set(String objectKey, Instant at, Bson... updates) {
        List<Bson> all = new ArrayList<>(List.of(updates));
        all.add(Updates.set("updated_at", Date.from(at)));
        records.updateOne(Filters.eq("_id", objectKey), Updates.combine(all), new UpdateOptions().upsert(true));
    }

    @ResetHandler
    void reset() {
        records.deleteMany(new Document());
    }

    @QueryHandler
    public ObjectRecordPage handle(ListObjectRecordsQuery query) {
        Bson filter = query.afterKey() == null ? new Document() : Filters.gt("_id", query.afterKey());
        List<ObjectRecord> items = new ArrayList<>(query.limit());
        records.find(filter).sort(Sorts.ascending("_id")).limit(query.limit()).forEach(d -> items.add(record(d)));
        return new ObjectRecordPage(items);
    }

    /**
     * A uniform sample of the available objects with a recorded SHA-256: one pass over the ids of those records keeps
     * a reservoir of {@code count} of them, then those records are read. {@code $sample} after a {@code $match} reads
     * every matching record too, and the MongoDB stand-in of the tests and the all-in-one (mongo-java-server)
     * implements it as a sort with a random comparator, which fails once more than 31 records match.
     */
    @QueryHandler
    public ObjectRecordPage handle(SampleAvailableObjectsQuery query) {
        int count = query.count();
        List<String> chosen = new ArrayList<>(count);
        long seen = 0;
        ThreadLocalRandom random = ThreadLocalRandom.current();
        for (Document d : records.find(Filters.and(Filters.eq("state", ObjectState.AVAILABLE.name()),
                        Filters.ne("sha256", null), Filters.nin("storage_class", ARCHIVED)))
                .projection(Projections.include("_id"))) {
            seen++;
            if (chosen.size() < count) {
                chosen.add(d.getString("_id"));
            } else {
                long slot = random.nextLong(seen);
                if (slot < count) {
                    chosen.set((int) slot, d.getString("_id"));
                }
            }
        }
        List<ObjectRecord> items = new ArrayList<>(chosen.size());
        if (!chosen.isEmpty()) {
            records.find(Filters.in("_id", chosen)).forEach(d -> items.add(record(d)));
        }
        return new ObjectRecordPage(items);
    }

    private static ObjectRecord record(Document d) {
        Date updated = d.getDate("updated_at");
        return new ObjectRecord(d.getString("_id"), d.getString("upload_id"), d.getString("file_id"),
                d.getLong("version"), ObjectState.valueOf(d.getString("state")), d.getString("storage_upload_id"),
                d.getString("sha256"), updated == null ? null : updated.toInstant());
    }
}
