package io.depot.projection.file;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.Updates;
import io.depot.file.FileStatus;
import io.depot.file.FileVersionPage;
import io.depot.file.FileVersionView;
import io.depot.file.RetrievalStatus;
import io.depot.file.ScanStatus;
import io.depot.file.StorageClass;
import io.depot.file.VersionRetrieval;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.Pages;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Instant;
import java.util.Date;
import java.util.Optional;

/**
 * The {@code file_versions} read model, one document per version, kept by {@link FileProjection} in the same
 * handlers as the file's own document so both always agree. Every write is keyed by version, or by object key for
 * what happens to an object that restored versions share, so replays rebuild the same documents.
 */
final class FileVersions {

    static final String COLLECTION = FileProjection.VERSIONS_COLLECTION;

    private final MongoCollection<Document> versions;

    FileVersions(ReadModelCollections collections) {
        this.versions = collections.collection(FileProjection.GROUP, COLLECTION);
        versions.createIndex(Indexes.compoundIndex(Indexes.ascending("file_id"), Indexes.descending("version")));
    }

    private static String id(String fileId, long version) {
        return fileId + ":" + version;
    }

    /** A new version, processing or (restored) available at once. */
    void put(String fileId, long version, long size, String sha256, String contentType, StorageClass storageClass,
             FileStatus status, ScanStatus scan, Instant createdAt, String uploadedBy, Long restoredFrom,
             String objectKey) {
        Document document = new Document("_id", id(fileId, version))
                .append("file_id", fileId)
                .append("version", version)
                .append("size", size)
                .append("sha256", sha256)
                .append("content_type", contentType)
                .append("storage_class", storageClass.name())
                .append("status", status.name())
                .append("failure_reason", null)
                .append("scan", scan == null ? null : scan.name())
                .append("scan_signature", null)
                .append("created_at", Date.from(createdAt))
                .append("uploaded_by", uploadedBy)
                .append("restored_from", restoredFrom)
                .append("object_key", objectKey)
                .append("deleted", false);
        // Inserted once: a redelivered event finds the version there, possibly further along, and leaves it.
        Bson insert = Updates.combine(document.entrySet().stream().filter(e -> !e.getKey().equals("_id"))
                .map(e -> Updates.setOnInsert(e.getKey(), e.getValue())).toList());
        versions.updateOne(Filters.eq("_id", document.get("_id")), insert, new UpdateOptions().upsert(true));
    }

    void set(String fileId, long version, Bson update) {
        versions.updateOne(Filters.eq("_id", id(fileId, version)), update);
    }

    void setWhere(String fileId, long version, Bson condition, Bson update) {
        versions.updateOne(Filters.and(Filters.eq("_id", id(fileId, version)), condition), update);
    }

    /** Every version of the file whose content is the object at {@code objectKey}. */
    void setSharing(String fileId, String objectKey, Bson update) {
        versions.updateMany(Filters.and(Filters.eq("file_id", fileId), Filters.eq("object_key", objectKey)), update);
    }

    /** Every version of the file holding the object at {@code objectKey} that meets {@code condition}. */
    void setSharingWhere(String fileId, String objectKey, Bson condition, Bson update) {
        versions.updateMany(Filters.and(Filters.eq("file_id", fileId), Filters.eq("object_key", objectKey), condition),
                update);
    }

    /** A restored version shares the retrieval of the object it shares with the version it was restored from. */
    void shareRetrieval(String fileId, long from, long to, String objectKey, Bson condition, Bson alsoSet) {
        Document source = versions.find(Filters.eq("_id", id(fileId, from))).first();
        if (source != null && objectKey.equals(source.getString("object_key")) && source.get("retrieval") != null) {
            setWhere(fileId, to, condition, Updates.combine(Updates.set("retrieval", source.get("retrieval")), alsoSet));
        }
    }

    void delete(String fileId, long version) {
        set(fileId, version, Updates.set("deleted", true));
    }

    void deleteUpTo(String fileId, long lastVersion) {
        versions.updateMany(Filters.and(Filters.eq("file_id", fileId), Filters.lte("version", lastVersion)),
                Updates.set("deleted", true));
    }

    /** The newest version not deleted, and the newest available one. */
    Optional<Document> newest(String fileId, boolean availableOnly) {
        Bson filter = Filters.and(Filters.eq("file_id", fileId), Filters.eq("deleted", false));
        if (availableOnly) {
            filter = Filters.and(filter, Filters.eq("status", FileStatus.AVAILABLE.name()));
        }
        return Optional.ofNullable(versions.find(filter).sort(Sorts.descending("version")).first());
    }

    boolean any(String fileId) {
        return versions.find(Filters.eq("file_id", fileId)).first() != null;
    }

    void clear() {
        versions.deleteMany(new Document());
    }

    Optional<FileVersionView> find(String fileId, long version) {
        return Optional.ofNullable(versions.find(Filters.and(Filters.eq("_id", id(fileId, version)),
                Filters.eq("deleted", false))).first()).map(FileVersions::view);
    }

    FileVersionPage list(String fileId, int page, int size) {
        var slice = Pages.read(versions.find(Filters.and(Filters.eq("file_id", fileId), Filters.eq("deleted", false)))
                .sort(Sorts.descending("version")), page, size, FileVersions::view);
        return new FileVersionPage(slice.items(), page, size, slice.nextPage());
    }

    static FileVersionView view(Document d) {
        return new FileVersionView(d.getString("file_id"), d.getLong("version"), d.getLong("size"), d.getString("sha256"),
                d.getString("content_type"), StorageClass.valueOf(d.getString("storage_class")),
                FileStatus.valueOf(d.getString("status")), d.getString("failure_reason"),
                d.getString("scan") == null ? null : ScanStatus.valueOf(d.getString("scan")),
                d.getString("scan_signature"), d.getDate("created_at").toInstant(), d.getString("uploaded_by"),
                d.getLong("restored_from"), d.getString("object_key"), d.getBoolean("pinned", false),
                retrieval(d));
    }

    /** The version's latest retrieval, kept as {@code retrieval: {status, requested_at, available_until}}. */
    static VersionRetrieval retrieval(Document version) {
        Document r = version.get("retrieval", Document.class);
        if (r == null) {
            return null;
        }
        Date until = r.getDate("available_until");
        return new VersionRetrieval(RetrievalStatus.valueOf(r.getString("status")), r.getDate("requested_at").toInstant(),
                until == null ? null : until.toInstant());
    }
}
