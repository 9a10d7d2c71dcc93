package io.depot.projection.audit;

import com.mongodb.ErrorCategory;
import com.mongodb.MongoBulkWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.InsertOneModel;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import io.depot.audit.CountDownloadsQuery;
import io.depot.audit.DownloadPage;
import io.depot.audit.DownloadRecord;
import io.depot.audit.FindDownloadsByIdQuery;
import io.depot.audit.FindDownloadsQuery;
import io.depot.file.DownloadLink;
import io.depot.file.FileDownloadedEvent;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.Pages;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.messaging.unitofwork.UnitOfWork;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.BsonBinaryWriter;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.bson.io.BasicOutputBuffer;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The {@code downloads} read model for auditors: one document per FileDownloaded event, keyed by the event's id,
 * so a replay rebuilds the same history. Each keeps its event's place in the download trail's hash chains, so the
 * verifier can tell a document that no longer agrees with its event.
 */
@Component
@ProcessingGroup(DownloadHistoryProjection.GROUP)
public class DownloadHistoryProjection {

    public static final String GROUP = "download-history";

    private static final String BATCH = DownloadHistoryProjection.class.getName() + ".batch";

    private final MongoCollection<Document> downloads;

    public DownloadHistoryProjection(ReadModelCollections collections) {
        this.downloads = collections.collection(GROUP, "downloads");
        createIndexes();
    }

    private void createIndexes() {
        downloads.createIndex(Indexes.compoundIndex(Indexes.ascending("file_id"), Indexes.descending("at")));
        downloads.createIndex(Indexes.compoundIndex(Indexes.ascending("user_id"), Indexes.descending("at")));
    }

    /**
     * Downloads come in bursts and replays bring millions: the documents of one batch of events are inserted together
     * in one unordered bulk write when the batch commits, before its token is stored. A document is keyed by its
     * event's id, so an event handled again (a batch retried after a failure) is a duplicate key, skipped; inserts
     * need no lookup, where upserts would search the collection first. Each document is written to BSON here, field
     * by field, as the driver would write the same {@link Document}: encoding documents through the driver's codecs,
     * a codec looked up per value, was the largest cost of a replay's batch.
     */
    @EventHandler
    void on(FileDownloadedEvent event, EventMessage<?> message, UnitOfWork<?> unitOfWork) {
        List<InsertOneModel<RawBsonDocument>> batch = unitOfWork.root().getOrComputeResource(BATCH, k -> {
            List<InsertOneModel<RawBsonDocument>> inserts = new ArrayList<>();
            unitOfWork.root().onPrepareCommit(u -> insert(inserts));
            return inserts;
        });
        batch.add(new InsertOneModel<>(document(event, message.getIdentifier())));
    }

    /** The document of one download, as the driver writes the same {@link Document} with these fields, in this order. */
    static RawBsonDocument document(FileDownloadedEvent event, String eventId) {
        DownloadLink link = event.link();
        BasicOutputBuffer buffer = new BasicOutputBuffer(256);
        try (BsonBinaryWriter writer = new BsonBinaryWriter(buffer)) {
            writer.writeStartDocument();
            string(writer, "_id", eventId);
            string(writer, "file_id", event.fileId());
            writer.writeInt64("version", event.version());
            string(writer, "user_id", event.userId());
            string(writer, "share_id", event.shareId());
            string(writer, "client_address", event.clientAddress());
            writer.writeDateTime("at", event.downloadedAt().toEpochMilli());
            string(writer, "chain_id", link == null ? null : link.chainId());
            if (link == null) {
                writer.writeNull("chain_sequence");
            } else {
                writer.writeInt64("chain_sequence", link.sequence());
            }
            string(writer, "previous_hash", link == null ? null : link.previousHash());
            string(writer, "hash", link == null ? null : link.hash());
            writer.writeEndDocument();
        }
        return new RawBsonDocument(buffer.toByteArray());
    }

    private static void string(BsonBinaryWriter writer, String name, String value) {
        if (value == null) {
            writer.writeNull(name);
        } else {
            writer.writeString(name, value);
        }
    }

    private void insert(List<InsertOneModel<RawBsonDocument>> inserts) {
        try {
            downloads.withDocumentClass(RawBsonDocument.class).bulkWrite(inserts, new BulkWriteOptions().ordered(false));
        } catch (MongoBulkWriteException e) {
            boolean onlyDuplicates = e.getWriteConcernError() == null && e.getWriteErrors().stream()
                    .allMatch(error -> ErrorCategory.fromErrorCode(error.getCode()) == ErrorCategory.DUPLICATE_KEY);
            if (!onlyDuplicates) {
                throw e;
            }
        }
    }

    @ResetHandler
    void reset() {
        downloads.drop();
        createIndexes();
    }

    @QueryHandler
    public List<DownloadRecord> handle(FindDownloadsByIdQuery query) {
        List<DownloadRecord> found = new ArrayList<>(query.eventIds().size());
        downloads.find(Filters.in("_id", query.eventIds())).forEach(d -> found.add(record(d)));
        return found;
    }

    @QueryHandler
    public Long handle(CountDownloadsQuery query) {
        return downloads.countDocuments(range(new ArrayList<>(), query.from(), query.to()));
    }

    @QueryHandler
    public DownloadPage handle(FindDownloadsQuery query) {
        List<Bson> filters = new ArrayList<>();
        if (query.fileId() != null) {
            filters.add(Filters.eq("file_id", query.fileId()));
        }
        if (query.userId() != null) {
            filters.add(Filters.eq("user_id", query.userId()));
        }
        var slice = Pages.read(downloads.find(range(filters, query.from(), query.to()))
                        .sort(Sorts.orderBy(Sorts.descending("at"), Sorts.descending("_id"))), query.page(), query.size(),
                DownloadHistoryProjection::record);
        return new DownloadPage(slice.items(), query.page(), query.size(), slice.nextPage());
    }

    private static Bson range(List<Bson> filters, java.time.Instant from, java.time.Instant to) {
        if (from != null) {
            filters.add(Filters.gte("at", Date.from(from)));
        }
        if (to != null) {
            filters.add(Filters.lt("at", Date.from(to)));
        }
        return filters.isEmpty() ? new Document() : Filters.and(filters);
    }

    private static DownloadRecord record(Document d) {
        return new DownloadRecord(d.getString("_id"), d.getString("file_id"), d.getLong("version"),
                d.getString("user_id"), d.getString("client_address"), d.getDate("at").toInstant(),
                d.getString("share_id"), d.getString("chain_id"), d.getLong("chain_sequence"),
                d.getString("previous_hash"), d.getString("hash"));
    }
}
