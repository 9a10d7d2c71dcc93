package io.depot.projection.file;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.depot.file.FileDeletedEvent;
import io.depot.file.FileRenditionCreatedEvent;
import io.depot.file.FileRenditionFailedEvent;
import io.depot.file.FileRenditionRequestedEvent;
import io.depot.file.FileRenditionStartedEvent;
import io.depot.file.FileRenditions;
import io.depot.file.FileRenditionsRemovedEvent;
import io.depot.file.FileVersionDeletedEvent;
import io.depot.file.FindRenditionQuery;
import io.depot.file.ListRenditionsQuery;
import io.depot.file.RenditionFailureView;
import io.depot.file.RenditionStatus;
import io.depot.file.RenditionView;
import io.depot.platform.readmodel.ReadModelCollections;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;

/**
 * The {@code file_renditions} read model: one document per rendition, keyed by file, version and name, and one per
 * version whose standard renditions failed. A rendition asked for (a transform) or begun (a video's) has its document
 * before it is made; each event sets only its own fields, and the status is read from which are there (made, failed,
 * started, else pending), so redeliveries and replays, which see a file's events in order, build the same documents.
 * Documents are removed with their version.
 */
@Component
@ProcessingGroup(RenditionProjection.GROUP)
public class RenditionProjection {

    public static final String GROUP = "file-renditions";
    static final String COLLECTION = "file_renditions";
    private static final int LIMIT = 1000;

    private final MongoCollection<Document> renditions;

    public RenditionProjection(ReadModelCollections collections) {
        this.renditions = collections.collection(GROUP, COLLECTION);
        renditions.createIndex(Indexes.compoundIndex(Indexes.ascending("file_id"), Indexes.descending("version")));
    }

    @EventHandler
    void on(FileRenditionRequestedEvent event) {
        named(event.fileId(), event.version(), event.name(), Updates.setOnInsert("requested_at", Date.from(event.at())));
    }

    @EventHandler
    void on(FileRenditionStartedEvent event) {
        named(event.fileId(), event.version(), event.name(), Updates.set("started_at", Date.from(event.at())));
    }

    @EventHandler
    void on(FileRenditionCreatedEvent event) {
        named(event.fileId(), event.version(), event.name(), Updates.combine(
                Updates.set("object_key", event.objectKey()),
                Updates.set("content_type", event.contentType()),
                Updates.set("width", event.width()),
                Updates.set("height", event.height()),
                Updates.set("size", event.size()),
                Updates.set("created_at", Date.from(event.at()))));
    }

    /** A named failure is its rendition's status; an unnamed one, the version's standard renditions'. */
    @EventHandler
    void on(FileRenditionFailedEvent event) {
        if (event.name() != null) {
            named(event.fileId(), event.version(), event.name(), Updates.combine(
                    Updates.set("failure", event.reason()),
                    Updates.set("failed_at", Date.from(event.at()))));
            return;
        }
        insert(event.fileId() + ":" + event.version() + ":!failed", Updates.combine(
                Updates.setOnInsert("file_id", event.fileId()),
                Updates.setOnInsert("version", event.version()),
                Updates.setOnInsert("failure", event.reason()),
                Updates.setOnInsert("created_at", Date.from(event.at()))));
    }

    private void named(String fileId, long version, String name, Bson fields) {
        insert(fileId + ":" + version + ":" + name, Updates.combine(
                Updates.setOnInsert("file_id", fileId),
                Updates.setOnInsert("version", version),
                Updates.setOnInsert("name", name),
                fields));
    }

    private void insert(String id, Bson fields) {
        renditions.updateOne(Filters.eq("_id", id), fields, new UpdateOptions().upsert(true));
    }

    @EventHandler
    void on(FileRenditionsRemovedEvent event) {
        removeVersion(event.fileId(), event.version());
    }

    /** A deleted version's recorded failure goes with it; its renditions go by their own event. */
    @EventHandler
    void on(FileVersionDeletedEvent event) {
        removeVersion(event.fileId(), event.version());
    }

    @EventHandler
    void on(FileDeletedEvent event) {
        renditions.deleteMany(Filters.eq("file_id", event.fileId()));
    }

    private void removeVersion(String fileId, long version) {
        renditions.deleteMany(Filters.and(Filters.eq("file_id", fileId), Filters.eq("version", version)));
    }

    @ResetHandler
    void reset() {
        renditions.deleteMany(new Document());
    }

    @QueryHandler
    public FileRenditions handle(ListRenditionsQuery query) {
        List<RenditionView> items = new ArrayList<>();
        List<RenditionFailureView> failures = new ArrayList<>();
        renditions.find(Filters.eq("file_id", query.fileId()))
                .sort(Sorts.orderBy(Sorts.descending("version"), Sorts.ascending("_id"))).limit(LIMIT)
                .forEach(d -> {
                    if (d.containsKey("name")) {
                        items.add(view(d));
                    }
                    if (d.containsKey("failure")) {
                        failures.add(new RenditionFailureView(d.getString("file_id"), d.getLong("version"),
                                d.getString("name"), d.getString("failure"),
                                instant(d, d.containsKey("name") ? "failed_at" : "created_at")));
                    }
                });
        return new FileRenditions(items, failures);
    }

    @QueryHandler
    public Optional<RenditionView> handle(FindRenditionQuery query) {
        Bson filter = Filters.and(Filters.eq("file_id", query.fileId()), Filters.eq("name", query.name()));
        if (query.version() != null) {
            filter = Filters.and(filter, Filters.eq("version", query.version()));
        }
        if (!query.unfinished()) {
            filter = Filters.and(filter, Filters.exists("object_key"));
        }
        return Optional.ofNullable(renditions.find(filter).sort(Sorts.descending("version")).first())
                .map(RenditionProjection::view);
    }

    private static RenditionView view(Document d) {
        return new RenditionView(d.getString("file_id"), d.getLong("version"), d.getString("name"),
                d.getString("object_key"), d.getString("content_type"), d.getInteger("width"),
                d.getInteger("height"), d.getLong("size"), instant(d, "created_at"), status(d), d.getString("failure"),
                instant(d, "requested_at"));
    }

    private static RenditionStatus status(Document d) {
        if (d.containsKey("object_key")) {
            return RenditionStatus.AVAILABLE;
        }
        if (d.containsKey("failure")) {
            return RenditionStatus.FAILED;
        }
        return d.containsKey("started_at") ? RenditionStatus.PROCESSING : RenditionStatus.PENDING;
    }

    private static java.time.Instant instant(Document d, String field) {
        Date date = d.getDate(field);
        return date == null ? null : date.toInstant();
    }
}
