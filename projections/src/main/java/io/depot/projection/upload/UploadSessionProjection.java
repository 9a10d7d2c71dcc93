package io.depot.projection.upload;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.MongoDatabase;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.FindOneAndUpdateOptions;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.ReturnDocument;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.depot.file.StorageClass;
import io.depot.file.Visibility;
import io.depot.upload.AbortReason;
import io.depot.upload.FindUploadPartsQuery;
import io.depot.upload.FindUploadSessionQuery;
import io.depot.upload.PartUploadedEvent;
import io.depot.upload.UploadAbortedEvent;
import io.depot.upload.UploadCompletedEvent;
import io.depot.upload.UploadInitiatedEvent;
import io.depot.upload.UploadLengthDeclaredEvent;
import io.depot.upload.UploadMode;
import io.depot.upload.UploadPlan;
import io.depot.upload.UploadSessionSummary;
import io.depot.upload.UploadStatus;
import io.depot.upload.UploadedPart;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryHandler;
import org.axonframework.queryhandling.QueryUpdateEmitter;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

/**
 * The {@code upload_sessions} read model, for resuming, progress and the upload use cases: one document per session
 * with its counters, and one {@code upload_parts} document per recorded part, so that recording an upload's
 * 10,000th part costs what its first did.
 * <p>
 * A session document keeps the sequence number of the last event applied to it, and an event at or below it changes
 * nothing. A part document keeps the sequence number of the event that first recorded its part, so that a part
 * counts once however often its events are delivered, and a replaced part (a new ETag) not at all. Replays and
 * redeliveries thus rebuild the same documents. Every change is pushed to the subscribers of
 * {@link FindUploadSessionQuery}: progress streams and requests waiting to read their own writes.
 */
@Component
@ProcessingGroup(UploadSessionProjection.GROUP)
public class UploadSessionProjection {

    public static final String GROUP = "upload-sessions";
    static final String SESSIONS = "upload_sessions";
    static final String PARTS = "upload_parts";

    private final MongoCollection<Document> sessions;
    private final MongoCollection<Document> parts;
    private final QueryUpdateEmitter updates;

    public UploadSessionProjection(MongoDatabase database, QueryUpdateEmitter updates) {
        this.sessions = database.getCollection(SESSIONS);
        this.parts = database.getCollection(PARTS);
        this.updates = updates;
        parts.createIndex(Indexes.ascending("upload_id"));
    }

    @EventHandler
    void on(UploadInitiatedEvent event, @SequenceNumber long sequence) {
        UploadPlan plan = event.plan();
        Document fields = new Document("owner_id", event.ownerId())
                .append("file_id", event.fileId())
                .append("filename", event.filename())
                .append("content_type", event.contentType())
                .append("plan", new Document("size", plan.size()).append("part_size", plan.partSize())
                        .append("part_count", plan.partCount()).append("mode", plan.mode().name()))
                .append("storage_class", event.storageClass().name())
                .append("visibility", event.visibility().name())
                .append("sha256", event.sha256())
                .append("object_key", event.objectKey())
                .append("storage_upload_id", event.storageUploadId())
                .append("status", UploadStatus.IN_PROGRESS.name())
                .append("parts_uploaded", 0)
                .append("bytes_uploaded", 0L)
                .append("initiated_at", Date.from(event.initiatedAt()))
                .append("expires_at", Date.from(event.expiresAt()))
                .append("seq", sequence);
        sessions.updateOne(Filters.eq("_id", event.uploadId()), new Document("$setOnInsert", fields),
                new UpdateOptions().upsert(true));
        emit(event.uploadId());
    }

    @EventHandler
    void on(PartUploadedEvent event, @SequenceNumber long sequence) {
        Document part = parts.findOneAndUpdate(Filters.eq("_id", event.uploadId() + "/" + event.partNumber()),
                Updates.combine(Updates.set("upload_id", event.uploadId()),
                        Updates.set("part_number", event.partNumber()), Updates.set("etag", event.etag()),
                        Updates.set("size", event.size()), Updates.set("uploaded_at", Date.from(event.uploadedAt())),
                        Updates.setOnInsert("first_seq", sequence)),
                new FindOneAndUpdateOptions().upsert(true).returnDocument(ReturnDocument.AFTER));
        boolean firstOfItsPart = part != null && part.get("first_seq", Number.class).longValue() == sequence;
        change(event.uploadId(), sequence, firstOfItsPart
                ? Updates.combine(Updates.inc("parts_uploaded", 1), Updates.inc("bytes_uploaded", event.size()))
                : null);
    }

    /** A deferred length was declared (tus): the plan's size and part count are known from now on. */
    @EventHandler
    void on(UploadLengthDeclaredEvent event, @SequenceNumber long sequence) {
        UploadPlan plan = event.plan();
        change(event.uploadId(), sequence, Updates.set("plan", new Document("size", plan.size())
                .append("part_size", plan.partSize()).append("part_count", plan.partCount())
                .append("mode", plan.mode().name())));
    }

    @EventHandler
    void on(UploadCompletedEvent event, @SequenceNumber long sequence) {
        List<Bson> completed = new ArrayList<>(List.of(Updates.set("status", UploadStatus.COMPLETED.name()),
                Updates.set("version", event.version())));
        if (event.sha256() != null) {
            completed.add(Updates.set("sha256", event.sha256()));
        }
        change(event.uploadId(), sequence, Updates.combine(completed));
    }

    @EventHandler
    void on(UploadAbortedEvent event, @SequenceNumber long sequence) {
        change(event.uploadId(), sequence, Updates.combine(Updates.set("status", UploadStatus.ABORTED.name()),
                Updates.set("abort_reason", event.reason().name())));
    }

    private void change(String uploadId, long sequence, Bson update) {
        Bson seen = Updates.set("seq", sequence);
        long changed = sessions.updateOne(Filters.and(Filters.eq("_id", uploadId), Filters.lt("seq", sequence)),
                update == null ? seen : Updates.combine(update, seen)).getModifiedCount();
        if (changed > 0) {
            emit(uploadId);
        }
    }

    /** Pushes the session's new state to its subscribers, if it has any, once the unit of work commits. */
    private void emit(String uploadId) {
        boolean followed = updates.activeSubscriptions().stream()
                .anyMatch(s -> s.getPayload() instanceof FindUploadSessionQuery q && q.uploadId().equals(uploadId));
        if (!followed) {
            return;
        }
        Document document = sessions.find(Filters.eq("_id", uploadId)).first();
        if (document != null) {
            UploadSessionSummary summary = summary(document);
            updates.emit(FindUploadSessionQuery.class, query -> query.uploadId().equals(uploadId), summary);
        }
    }

    @ResetHandler
    void reset() {
        sessions.deleteMany(new Document());
        parts.deleteMany(new Document());
    }

    @QueryHandler
    public UploadSessionSummary handle(FindUploadSessionQuery query) {
        Document document = sessions.find(Filters.eq("_id", query.uploadId())).first();
        return document == null ? null : summary(document);
    }

    @QueryHandler
    public List<UploadedPart> handle(FindUploadPartsQuery query) {
        List<UploadedPart> found = new ArrayList<>();
        parts.find(Filters.eq("upload_id", query.uploadId())).forEach(d -> found.add(new UploadedPart(
                d.getInteger("part_number"), d.getString("etag"), d.get("size", Number.class).longValue(),
                instant(d.getDate("uploaded_at")))));
        found.sort(Comparator.comparingInt(UploadedPart::partNumber));
        return found;
    }

    private static UploadSessionSummary summary(Document d) {
        Document plan = d.get("plan", Document.class);
        String abortReason = d.getString("abort_reason");
        Number version = d.get("version", Number.class);
        return new UploadSessionSummary(d.getString("_id"), d.getString("file_id"), d.getString("owner_id"),
                d.getString("filename"), d.getString("content_type"),
                new UploadPlan(plan.get("size", Number.class).longValue(), plan.get("part_size", Number.class).longValue(),
                        plan.getInteger("part_count"), UploadMode.valueOf(plan.getString("mode"))),
                StorageClass.valueOf(d.getString("storage_class")), Visibility.valueOf(d.getString("visibility")),
                d.getString("sha256"), d.getString("object_key"), d.getString("storage_upload_id"),
                UploadStatus.valueOf(d.getString("status")), abortReason == null ? null : AbortReason.valueOf(abortReason),
                d.get("parts_uploaded", Number.class).intValue(), d.get("bytes_uploaded", Number.class).longValue(),
                version == null ? null : version.longValue(), instant(d.getDate("initiated_at")),
                instant(d.getDate("expires_at")), d.get("seq", Number.class).longValue());
    }

    private static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
