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
import org.bson.Document;
import org.bson.conversions.Bson;
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
     * need no lookup, where upserts would search the collection first.
     */
    @EventHandler
    void on(FileDownloadedEvent event, EventMessage<?> message, UnitOfWork<?> unitOfWork) {
        List<InsertOneModel<Document>> batch = unitOfWork.root().getOrComputeResource(BATCH, k -> {
            List<InsertOneModel<Document>> inserts = new ArrayList<>();
            unitOfWork.root().onPrepareCommit(u -> insert(inserts));
            return inserts;
        });
        DownloadLink link = event.link();
        batch.add(new InsertOneModel<>(new Document("_id", message.getIdentifier())
                .append("file_id", event.fileId())
                .append("version", event.version())
                .append("user_id", event.userId())
                .append("share_id", event.shareId())
                .append("client_address", event.clientAddress())
                .append("at", Date.from(event.downloadedAt()))
                .append("chain_id", link == null ? null : link.chainId())
                .append("chain_sequence", link == null ? null : link.sequence())
                .append("previous_hash", link == null ? null : link.previousHash())
                .append("hash", link == null ? null : link.hash())));
    }

    private void insert(List<InsertOneModel<Document>> inserts) {
        try {
            downloads.bulkWrite(inserts, new BulkWriteOptions().ordered(false));
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
