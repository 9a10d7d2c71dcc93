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
import org.bson.RawBsonDocument;
import org.bson.conversions.Bson;
import org.springframework.stereotype.Component;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
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

    private static final byte[] ID = name("_id");
    private static final byte[] FILE_ID = name("file_id");
    private static final byte[] VERSION = name("version");
    private static final byte[] USER_ID = name("user_id");
    private static final byte[] SHARE_ID = name("share_id");
    private static final byte[] CLIENT_ADDRESS = name("client_address");
    private static final byte[] AT = name("at");
    private static final byte[] CHAIN_ID = name("chain_id");
    private static final byte[] CHAIN_SEQUENCE = name("chain_sequence");
    private static final byte[] PREVIOUS_HASH = name("previous_hash");
    private static final byte[] HASH = name("hash");

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
     * a codec looked up per value, was the largest cost of a replay's batch ({@link #document}).
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

    /**
     * The document of one download, byte for byte as the driver writes the same {@link Document} with these fields, in
     * this order (a string that is not well-formed UTF-16 has its lone surrogates written as {@code ?}, where the
     * driver writes bytes that are not UTF-8). Written straight into an array: the driver's writer encodes each string
     * a character at a time, the largest single cost of a replay's thread after decoding the events.
     */
    static RawBsonDocument document(FileDownloadedEvent event, String eventId) {
        DownloadLink link = event.link();
        DocumentBytes bson = new DocumentBytes();
        bson.string(ID, eventId);
        bson.string(FILE_ID, event.fileId());
        bson.int64(VERSION, event.version());
        bson.string(USER_ID, event.userId());
        bson.string(SHARE_ID, event.shareId());
        bson.string(CLIENT_ADDRESS, event.clientAddress());
        bson.dateTime(AT, event.downloadedAt().toEpochMilli());
        bson.string(CHAIN_ID, link == null ? null : link.chainId());
        if (link == null) {
            bson.nullValue(CHAIN_SEQUENCE);
        } else {
            bson.int64(CHAIN_SEQUENCE, link.sequence());
        }
        bson.string(PREVIOUS_HASH, link == null ? null : link.previousHash());
        bson.string(HASH, link == null ? null : link.hash());
        return bson.document();
    }

    /** A field name as BSON writes it: its bytes and a terminating zero. */
    private static byte[] name(String name) {
        byte[] bytes = name.getBytes(StandardCharsets.UTF_8);
        return Arrays.copyOf(bytes, bytes.length + 1);
    }

    /** One BSON document of the element types a download holds (string, int64, UTC datetime, null), little-endian. */
    private static final class DocumentBytes {
        private byte[] bytes = new byte[320];
        private int size = 4;

        void string(byte[] name, String value) {
            if (value == null) {
                nullValue(name);
                return;
            }
            byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
            element(0x02, name, 4 + utf8.length + 1);
            int32(utf8.length + 1);
            System.arraycopy(utf8, 0, bytes, size, utf8.length);
            size += utf8.length;
            bytes[size++] = 0;
        }

        void int64(byte[] name, long value) {
            element(0x12, name, 8);
            int64(value);
        }

        void dateTime(byte[] name, long epochMillis) {
            element(0x09, name, 8);
            int64(epochMillis);
        }

        void nullValue(byte[] name) {
            element(0x0A, name, 0);
        }

        /** The document, its length written into the four bytes kept for it at the start. */
        RawBsonDocument document() {
            ensure(1);
            bytes[size++] = 0;
            for (int i = 0; i < 4; i++) {
                bytes[i] = (byte) (size >>> (8 * i));
            }
            return new RawBsonDocument(bytes, 0, size);
        }

        private void element(int type, byte[] name, int valueLength) {
            ensure(1 + name.length + valueLength + 1);
            bytes[size++] = (byte) type;
            System.arraycopy(name, 0, bytes, size, name.length);
            size += name.length;
        }

        private void int32(int value) {
            for (int i = 0; i < 4; i++) {
                bytes[size++] = (byte) (value >>> (8 * i));
            }
        }

        private void int64(long value) {
            for (int i = 0; i < 8; i++) {
                bytes[size++] = (byte) (value >>> (8 * i));
            }
        }

        private void ensure(int more) {
            if (size + more > bytes.length) {
                bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, size + more));
            }
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
