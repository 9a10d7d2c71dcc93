package io.depot.projection.file;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Indexes;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.depot.file.FileDeletedEvent;
import io.depot.file.FileDownloadedEvent;
import io.depot.file.FileShareRevokedEvent;
import io.depot.file.FileShareUsedEvent;
import io.depot.file.FileSharedEvent;
import io.depot.file.ListFileSharesQuery;
import io.depot.file.ShareView;
import io.depot.platform.readmodel.ReadModelCollections;
import org.axonframework.config.ProcessingGroup;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.ResetHandler;
import org.axonframework.eventhandling.SequenceNumber;
import org.axonframework.queryhandling.QueryHandler;
import org.bson.Document;
import org.springframework.stereotype.Component;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

/**
 * The {@code file_shares} read model: a file's share links as its owner lists them, without their tokens (only the
 * file keeps their hashes). Downloads through a link are counted once each, by the sequence number of the file's
 * event that recorded them, so redeliveries and replays count the same.
 */
@Component
@ProcessingGroup(FileShareProjection.GROUP)
public class FileShareProjection {

    public static final String GROUP = "file-shares";
    static final String COLLECTION = "file_shares";

    private final MongoCollection<Document> shares;

    public FileShareProjection(ReadModelCollections collections) {
        this.shares = collections.collection(GROUP, COLLECTION);
        shares.createIndex(Indexes.compoundIndex(Indexes.ascending("file_id"), Indexes.descending("created_at")));
    }

    @EventHandler
    void on(FileSharedEvent event, @SequenceNumber long sequence) {
        shares.updateOne(Filters.eq("_id", event.shareId()), Updates.combine(
                Updates.setOnInsert("file_id", event.fileId()),
                Updates.setOnInsert("created_at", Date.from(event.at())),
                Updates.setOnInsert("created_by", event.actorId()),
                Updates.setOnInsert("expires_at", Date.from(event.expiresAt())),
                Updates.setOnInsert("max_downloads", event.maxDownloads()),
                Updates.setOnInsert("version", event.version()),
                Updates.setOnInsert("downloads", 0),
                Updates.setOnInsert("counted_to", sequence),
                Updates.setOnInsert("revoked_at", null),
                Updates.setOnInsert("file_deleted", false)), new UpdateOptions().upsert(true));
    }

    @EventHandler
    void on(FileShareRevokedEvent event) {
        shares.updateOne(Filters.and(Filters.eq("_id", event.shareId()), Filters.eq("revoked_at", null)),
                Updates.set("revoked_at", Date.from(event.at())));
    }

    @EventHandler
    void on(FileShareUsedEvent event, @SequenceNumber long sequence) {
        count(event.shareId(), sequence);
    }

    /**
     * Files counted their links' downloads with FileDownloaded events of their own before FileShareUsed existed; the
     * download trail's FileDownloaded events belong to no file, carry no sequence number and never reach here.
     */
    @EventHandler
    void on(FileDownloadedEvent event, @SequenceNumber long sequence) {
        if (event.shareId() != null) {
            count(event.shareId(), sequence);
        }
    }

    private void count(String shareId, long sequence) {
        shares.updateOne(Filters.and(Filters.eq("_id", shareId), Filters.lt("counted_to", sequence)),
                Updates.combine(Updates.inc("downloads", 1), Updates.set("counted_to", sequence)));
    }

    @EventHandler
    void on(FileDeletedEvent event) {
        shares.updateMany(Filters.eq("file_id", event.fileId()), Updates.set("file_deleted", true));
    }

    @ResetHandler
    void reset() {
        shares.deleteMany(new Document());
    }

    @QueryHandler
    public List<ShareView> handle(ListFileSharesQuery query) {
        List<ShareView> views = new ArrayList<>();
        shares.find(Filters.eq("file_id", query.fileId())).sort(Sorts.descending("created_at")).limit(1000)
                .forEach(d -> views.add(new ShareView(d.getString("_id"), d.getString("file_id"),
                        d.getDate("created_at").toInstant(), d.getDate("expires_at").toInstant(),
                        d.getInteger("max_downloads"), d.getInteger("downloads"), d.getLong("version"),
                        d.getDate("revoked_at") == null ? null : d.getDate("revoked_at").toInstant(),
                        d.getBoolean("file_deleted", false))));
        return views;
    }
}
