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
import io.depot.file.FileRenditions;
import io.depot.file.FileRenditionsRemovedEvent;
import io.depot.file.FileVersionDeletedEvent;
import io.depot.file.FindRenditionQuery;
import io.depot.file.ListRenditionsQuery;
import io.depot.file.RenditionFailureView;
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
 * version whose renditions failed. Inserted once and removed with their version, so redeliveries and replays, which
 * see a file's events in order, build the same documents. A transform's outputs would be recorded by the same events
 * and listed here too.
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
    void on(FileRenditionCreatedEvent event) {
        insert(event.fileId() + ":" + event.version() + ":" + event.name(), Updates.combine(
                Updates.setOnInsert("file_id", event.fileId()),
                Updates.setOnInsert("version", event.version()),
                Updates.setOnInsert("name", event.name()),
                Updates.setOnInsert("object_key", event.objectKey()),
                Updates.setOnInsert("content_type", event.contentType()),
                Updates.setOnInsert("width", event.width()),
                Updates.setOnInsert("height", event.height()),
                Updates.setOnInsert("size", event.size()),
                Updates.setOnInsert("created_at", Date.from(event.at()))));
    }

    @EventHandler
    void on(FileRenditionFailedEvent event) {
        insert(event.fileId() + ":" + event.version() + ":!failed", Updates.combine(
                Updates.setOnInsert("file_id", event.fileId()),
                Updates.setOnInsert("version", event.version()),
                Updates.setOnInsert("failure", event.reason()),
                Updates.setOnInsert("created_at", Date.from(event.at()))));
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
                    if (d.containsKey("failure")) {
                        failures.add(new RenditionFailureView(d.getString("file_id"), d.getLong("version"),
                                d.getString("failure"), d.getDate("created_at").toInstant()));
                    } else {
                        items.add(view(d));
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
        return Optional.ofNullable(renditions.find(filter).sort(Sorts.descending("version")).first())
                .map(RenditionProjection::view);
    }

    private static RenditionView view(Document d) {
        return new RenditionView(d.getString("file_id"), d.getLong("version"), d.getString("name"),
                d.getString("object_key"), d.getString("content_type"), d.getInteger("width"),
                d.getInteger("height"), d.getLong("size"), d.getDate("created_at").toInstant());
    }
}
