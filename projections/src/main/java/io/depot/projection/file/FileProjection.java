package io.depot.projection.file;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.depot.file.FileDeletedEvent;
import io.depot.file.FileRenamedEvent;
import io.depot.file.FileTagsChangedEvent;
import io.depot.file.FileVersionDeletedEvent;
import io.depot.file.FileVersionPage;
import io.depot.file.FileVersionRestoredEvent;
import io.depot.file.FileVersionView;
import io.depot.file.FileVisibilityChangedEvent;
import io.depot.file.FindFileVersionQuery;
import io.depot.file.ListFileVersionsQuery;
import io.depot.file.FileInfectedEvent;
import io.depot.file.FileScanRequestedEvent;
import io.depot.file.FileScanSkippedEvent;
import io.depot.file.FileScannedEvent;
import io.depot.file.ScanStatus;
import io.depot.file.FilePage;
import io.depot.file.FileStatus;
import io.depot.file.FileVersionAvailableEvent;
import io.depot.file.FileVersionContentLinkedEvent;
import io.depot.file.FileVersionFailedEvent;
import io.depot.file.FileVersionVerifiedEvent;
import io.depot.file.FileVersionedEvent;
import io.depot.file.FileView;
import io.depot.file.FindFileQuery;
import io.depot.file.ListUserFilesQuery;
import io.depot.file.FileArchiveRetrievalRequestedEvent;
import io.depot.file.FileArchiveRetrievedEvent;
import io.depot.file.FileVersionStorageClassChangedEvent;
import io.depot.file.FileVersionStorageClassRequestedEvent;
import io.depot.file.RetrievalStatus;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.Pages;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The {@code files} read model: one document per file with its current version's metadata. Handlers are
 * idempotent: an event older than the stored version changes nothing, so replays and redeliveries rebuild
 * the same documents.
 */
@Component
@ProcessingGroup(FileProjection.GROUP)
public class FileProjection {

    public static final String GROUP = "files";
    public static final String COLLECTION = "files";
    public static final String VERSIONS_COLLECTION = "file_versions";
    /** The file's event sequence of a version's latest storage class or retrieval change. */
    private static final String TIER_SEQUENCE = "tier_sequence";

    private final MongoCollection<Document> files;
    private final FileVersions versions;
    private final FileViewCache cache;

    public FileProjection(ReadModelCollections collections, FileViewCache cache) {
        this.files = collections.collection(GROUP, COLLECTION);
        this.versions = new FileVersions(collections);
        this.cache = cache;
        files.createIndex(Indexes.compoundIndex(Indexes.ascending("owner_id"), Indexes.descending("created_at")));
        // Serves the tag filter of a listing: tags is an array, so this is a multikey index.
        files.createIndex(Indexes.compoundIndex(Indexes.ascending("owner_id"), Indexes.ascending("tags"),
                Indexes.descending("created_at")));
    }

    @EventHandler
    void on(FileVersionedEvent event) {
        versions.put(event.fileId(), event.version(), event.size(), event.sha256(), event.contentType(),
                event.storageClass(), FileStatus.PROCESSING, null, event.versionedAt(), event.ownerId(), null,
                event.objectKey());
        Document current = files.find(Filters.eq("_id", event.fileId())).first();
        if (current != null && current.getLong("version") >= event.version()) {
            return;
        }
        Date createdAt = current != null && !current.getBoolean("deleted", false)
                ? current.getDate("created_at") : Date.from(event.versionedAt());
        Document document = new Document("_id", event.fileId())
                .append("owner_id", event.ownerId())
                .append("filename", event.filename())
                .append("content_type", event.contentType())
                .append("size", event.size())
                .append("sha256", event.sha256())
                .append("storage_class", event.storageClass().name())
                .append("version", event.version())
                .append("status", FileStatus.PROCESSING.name())
                .append("failure_reason", null)
                .append("visibility", event.visibility().name())
                .append("object_key", event.objectKey())
                .append("created_at", createdAt)
                .append("updated_at", Date.from(event.versionedAt()))
                .append("tags", current != null ? current.getList("tags", String.class, List.of()) : List.of())
                .append("downloadable", current != null ? current.get("downloadable", Document.class) : null)
                .append("scan", null)
                .append("scan_signature", null)
                .append("deleted", false);
        files.replaceOne(Filters.eq("_id", event.fileId()), document, new ReplaceOptions().upsert(true));
        refresh(event.fileId());
    }

    @EventHandler
    void on(FileVersionVerifiedEvent event) {
        if (event.sha256() != null) {
            versions.set(event.fileId(), event.version(), Updates.set("sha256", event.sha256()));
            files.updateOne(newest(event.fileId(), event.version()), Updates.set("sha256", event.sha256()));
            refresh(event.fileId());
        }
    }

    /** The version uses the object of the same bytes stored before (before it became available). */
    @EventHandler
    void on(FileVersionContentLinkedEvent event) {
        versions.set(event.fileId(), event.version(), Updates.set("object_key", event.objectKey()));
        files.updateOne(newest(event.fileId(), event.version()), Updates.set("object_key", event.objectKey()));
        refresh(event.fileId());
    }

    @EventHandler
    void on(FileVersionAvailableEvent event) {
        versions.set(event.fileId(), event.version(), Updates.set("status", FileStatus.AVAILABLE.name()));
        if (!event.scanned()) {
            versions.setWhere(event.fileId(), event.version(), Filters.in("scan", null, ScanStatus.PENDING.name()),
                    Updates.set("scan", ScanStatus.NOT_CONFIGURED.name()));
        }
        Document current = files.find(newest(event.fileId(), event.version())).first();
        if (current == null) {
            return;
        }
        Document downloadable = new Document("version", event.version())
                .append("object_key", event.objectKey())
                .append("size", current.getLong("size"))
                .append("filename", current.getString("filename"))
                .append("content_type", current.getString("content_type"))
                .append("storage_class", current.getString("storage_class"));
        String scan = current.getString("scan");
        if (!event.scanned() && (scan == null || ScanStatus.PENDING.name().equals(scan))) {
            // Available without a verdict: no scanner was configured.
            scan = ScanStatus.NOT_CONFIGURED.name();
        }
        files.updateOne(newest(event.fileId(), event.version()), Updates.combine(
                Updates.set("status", FileStatus.AVAILABLE.name()), Updates.set("downloadable", downloadable),
                Updates.set("scan", scan)));
        refresh(event.fileId());
    }

    @EventHandler
    void on(FileScanRequestedEvent event) {
        versions.setWhere(event.fileId(), event.version(), Filters.eq("scan", null),
                Updates.set("scan", ScanStatus.PENDING.name()));
        files.updateOne(Filters.and(newest(event.fileId(), event.version()), Filters.eq("scan", null)),
                Updates.set("scan", ScanStatus.PENDING.name()));
        refresh(event.fileId());
    }

    @EventHandler
    void on(FileScannedEvent event) {
        versions.set(event.fileId(), event.version(), Updates.set("scan", ScanStatus.CLEAN.name()));
        files.updateOne(newest(event.fileId(), event.version()), Updates.set("scan", ScanStatus.CLEAN.name()));
        refresh(event.fileId());
    }

    @EventHandler
    void on(FileScanSkippedEvent event) {
        versions.set(event.fileId(), event.version(), Updates.set("scan", ScanStatus.SKIPPED.name()));
        files.updateOne(newest(event.fileId(), event.version()), Updates.set("scan", ScanStatus.SKIPPED.name()));
        refresh(event.fileId());
    }

    /**
     * An infected version is never served, even one that was downloadable before the verdict, nor is any version
     * restored from it, which shares its object.
     */
    @EventHandler
    void on(FileInfectedEvent event) {
        Bson infected = Updates.combine(
                Updates.set("status", FileStatus.INFECTED.name()), Updates.set("scan", ScanStatus.INFECTED.name()),
                Updates.set("scan_signature", event.signature()),
                Updates.set("failure_reason", "malware found: " + event.signature()));
        versions.set(event.fileId(), event.version(), infected);
        versions.setSharing(event.fileId(), event.objectKey(), infected);
        files.updateOne(newest(event.fileId(), event.version()), infected);
        files.updateOne(Filters.and(Filters.eq("_id", event.fileId()), Filters.eq("downloadable.version", event.version())),
                Updates.set("downloadable", null));
        recompute(event.fileId());
    }

    @EventHandler
    void on(FileVersionFailedEvent event) {
        Bson failed = Updates.combine(
                Updates.set("status", FileStatus.FAILED.name()), Updates.set("failure_reason", event.reason()));
        versions.set(event.fileId(), event.version(), failed);
        versions.setSharing(event.fileId(), event.objectKey(), failed);
        files.updateOne(newest(event.fileId(), event.version()), failed);
        // A version that was downloadable and failed later (its object went missing or corrupt) is not served.
        files.updateOne(Filters.and(Filters.eq("_id", event.fileId()), Filters.eq("downloadable.version", event.version())),
                Updates.set("downloadable", null));
        recompute(event.fileId());
    }

    /** A restored version is the newest, available at once, with the verdict its content had. */
    @EventHandler
    void on(FileVersionRestoredEvent event, @SequenceNumber long sequence) {
        ScanStatus scan = event.scan() == null ? ScanStatus.NOT_CONFIGURED : event.scan();
        versions.put(event.fileId(), event.version(), event.size(), event.sha256(), event.contentType(),
                event.storageClass(), FileStatus.AVAILABLE, scan, event.at(), event.actorId(), event.restoredFrom(),
                event.objectKey());
        versions.shareRetrieval(event.fileId(), event.restoredFrom(), event.version(), event.objectKey(),
                tierOlderThan(sequence), Updates.set(TIER_SEQUENCE, sequence));
        files.updateOne(Filters.and(Filters.eq("_id", event.fileId()), Filters.lt("version", event.version())),
                Updates.combine(Updates.set("version", event.version()), Updates.set("updated_at", Date.from(event.at()))));
        recompute(event.fileId());
    }

    @EventHandler
    void on(FileVersionDeletedEvent event) {
        versions.delete(event.fileId(), event.version());
        files.updateOne(Filters.eq("_id", event.fileId()), Updates.set("updated_at", Date.from(event.at())));
        recompute(event.fileId());
    }

    @EventHandler
    void on(FileTagsChangedEvent event) {
        change(event.fileId(), event.at(), Updates.set("tags", event.tags()));
    }

    @EventHandler
    void on(FileVisibilityChangedEvent event) {
        change(event.fileId(), event.at(), Updates.set("visibility", event.visibility().name()));
    }

    @EventHandler
    void on(FileRenamedEvent event) {
        change(event.fileId(), event.at(), Updates.set("filename", event.toName()));
        files.updateOne(Filters.and(Filters.eq("_id", event.fileId()), Filters.ne("downloadable", null)),
                Updates.set("downloadable.filename", event.toName()));
        refresh(event.fileId());
    }

    private void change(String fileId, java.time.Instant at, Bson update) {
        files.updateOne(Filters.eq("_id", fileId), Updates.combine(update, Updates.set("updated_at", Date.from(at))));
        refresh(fileId);
    }

    /**
     * The file's document takes its version fields from its newest version that is not deleted, and serves its newest
     * available one: after a version is deleted or restored, or an object that versions share is lost. Files whose
     * versions this read model has not seen (kept before it had versions; a replay fills them in) are left alone.
     */
    private void recompute(String fileId) {
        if (!versions.any(fileId)) {
            refresh(fileId);
            return;
        }
        Document file = files.find(Filters.eq("_id", fileId)).first();
        if (file == null) {
            return;
        }
        versions.newest(fileId, false).ifPresent(newest -> files.updateOne(Filters.eq("_id", fileId), Updates.combine(
                Updates.set("version", newest.getLong("version")),
                Updates.set("size", newest.getLong("size")), Updates.set("sha256", newest.getString("sha256")),
                Updates.set("content_type", newest.getString("content_type")),
                Updates.set("storage_class", newest.getString("storage_class")),
                Updates.set("status", newest.getString("status")),
                Updates.set("failure_reason", newest.getString("failure_reason")),
                Updates.set("scan", newest.getString("scan")),
                Updates.set("scan_signature", newest.getString("scan_signature")),
                Updates.set("object_key", newest.getString("object_key")),
                Updates.set("retrieval", newest.get("retrieval")))));
        Document downloadable = versions.newest(fileId, true)
                .map(v -> new Document("version", v.getLong("version"))
                        .append("object_key", v.getString("object_key"))
                        .append("size", v.getLong("size"))
                        .append("filename", file.getString("filename"))
                        .append("content_type", v.getString("content_type"))
                        .append("storage_class", v.getString("storage_class"))
                        .append("retrieved_until", retrievedUntil(v)))
                .orElse(null);
        files.updateOne(Filters.eq("_id", fileId), Updates.set("downloadable", downloadable));
        refresh(fileId);
    }

    // ---- storage tiers ---------------------------------------------------------------------------------------

    @EventHandler
    void on(FileVersionStorageClassRequestedEvent event) {
        versions.set(event.fileId(), event.version(), Updates.set("pinned", true));
    }

    /**
     * The version holds its copy in the new class; a retrieval of its former object does not carry over. Classes and
     * retrievals change back and forth, so each write keeps the file's event sequence and a redelivered older event
     * changes nothing.
     */
    @EventHandler
    void on(FileVersionStorageClassChangedEvent event, @SequenceNumber long sequence) {
        versions.setWhere(event.fileId(), event.version(), tierOlderThan(sequence), Updates.combine(
                Updates.set("storage_class", event.to().name()), Updates.set("object_key", event.objectKey()),
                Updates.set("retrieval", null), Updates.set(TIER_SEQUENCE, sequence)));
        recompute(event.fileId());
    }

    /** A retrieval is of an object: every version that holds it shares it. */
    @EventHandler
    void on(FileArchiveRetrievalRequestedEvent event, @SequenceNumber long sequence) {
        versions.setSharingWhere(event.fileId(), event.objectKey(), tierOlderThan(sequence), Updates.combine(
                Updates.set("retrieval", new Document("status", RetrievalStatus.REQUESTED.name())
                        .append("requested_at", Date.from(event.at())).append("available_until", null)),
                Updates.set(TIER_SEQUENCE, sequence)));
        recompute(event.fileId());
    }

    @EventHandler
    void on(FileArchiveRetrievedEvent event, @SequenceNumber long sequence) {
        versions.setSharingWhere(event.fileId(), event.objectKey(), tierOlderThan(sequence), Updates.combine(
                Updates.set("retrieval.status", RetrievalStatus.AVAILABLE.name()),
                Updates.set("retrieval.available_until", Date.from(event.until())),
                Updates.set(TIER_SEQUENCE, sequence)));
        recompute(event.fileId());
    }

    private static Bson tierOlderThan(long sequence) {
        return Filters.or(Filters.exists(TIER_SEQUENCE, false), Filters.lt(TIER_SEQUENCE, sequence));
    }

    private static java.util.Date retrievedUntil(Document version) {
        Document retrieval = version.get("retrieval", Document.class);
        return retrieval == null ? null : retrieval.getDate("available_until");
    }

    private static StorageClass storageClass(Document downloadable) {
        String name = downloadable.getString("storage_class");
        return name == null ? null : StorageClass.valueOf(name);
    }

    /** Only the newest version's outcome changes the file's status. */
    private static Bson newest(String fileId, long version) {
        return Filters.and(Filters.eq("_id", fileId), Filters.eq("version", version));
    }

    @EventHandler
    void on(FileDeletedEvent event) {
        versions.deleteUpTo(event.fileId(), event.lastVersion());
        files.updateOne(Filters.and(Filters.eq("_id", event.fileId()), Filters.lte("version", event.lastVersion())),
                Updates.combine(Updates.set("deleted", true), Updates.set("updated_at", Date.from(event.deletedAt()))));
        refresh(event.fileId());
    }

    /** Writes the file's view as it now is to the metadata cache, or a tombstone once the file is deleted. */
    private void refresh(String fileId) {
        Document current = files.find(Filters.eq("_id", fileId)).first();
        cache.put(fileId, current == null || current.getBoolean("deleted", false) ? null : view(current));
    }

    @ResetHandler
    void reset() {
        files.deleteMany(new Document());
        versions.clear();
    }

    @QueryHandler
    public Optional<FileView> handle(FindFileQuery query) {
        return Optional.ofNullable(files.find(Filters.and(Filters.eq("_id", query.fileId()), Filters.eq("deleted", false))).first())
                .map(FileProjection::view);
    }

    @QueryHandler
    public FilePage handle(ListUserFilesQuery query) {
        Bson filter = Filters.and(Filters.eq("owner_id", query.ownerId()), Filters.eq("deleted", false));
        if (query.publicOnly()) {
            filter = Filters.and(filter, Filters.eq("visibility", Visibility.PUBLIC.name()));
        }
        if (query.tag() != null) {
            filter = Filters.and(filter, Filters.eq("tags", query.tag()));
        }
        var slice = Pages.read(files.find(filter).sort(Sorts.orderBy(Sorts.descending("created_at"), Sorts.descending("_id"))),
                query.page(), query.size(), FileProjection::view);
        return new FilePage(slice.items(), query.page(), query.size(), slice.nextPage());
    }

    @QueryHandler
    public FileVersionPage handle(ListFileVersionsQuery query) {
        return versions.list(query.fileId(), query.page(), query.size());
    }

    @QueryHandler
    public Optional<FileVersionView> handle(FindFileVersionQuery query) {
        return versions.find(query.fileId(), query.version());
    }

    private static FileView view(Document d) {
        Document available = d.get("downloadable", Document.class);
        return new FileView(d.getString("_id"), d.getString("owner_id"), d.getString("filename"),
                d.getString("content_type"), d.getLong("size"), d.getString("sha256"),
                StorageClass.valueOf(d.getString("storage_class")), d.getLong("version"),
                FileStatus.valueOf(d.getString("status")), d.getString("failure_reason"),
                Visibility.valueOf(d.getString("visibility")), d.getDate("created_at").toInstant(),
                d.getDate("updated_at").toInstant(), d.getList("tags", String.class, List.of()),
                available == null ? null : new FileView.Downloadable(available.getLong("version"),
                        available.getString("object_key"), available.getLong("size"), available.getString("filename"),
                        available.getString("content_type"), storageClass(available),
                        available.getDate("retrieved_until") == null ? null
                                : available.getDate("retrieved_until").toInstant()),
                d.getString("scan") == null ? null : ScanStatus.valueOf(d.getString("scan")), d.getString("scan_signature"),
                FileVersions.retrieval(d));
    }
}
