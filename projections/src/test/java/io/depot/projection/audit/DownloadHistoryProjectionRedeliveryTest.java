package io.depot.projection.audit;

import com.mongodb.MongoClientSettings;
import com.mongodb.client.MongoDatabase;
import io.depot.audit.DownloadRecord;
import io.depot.audit.FindDownloadsQuery;
import io.depot.file.DownloadLink;
import io.depot.file.FileDownloadedEvent;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.Redelivery;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.bson.Document;
import org.bson.RawBsonDocument;
import org.bson.json.JsonMode;
import org.bson.json.JsonWriterSettings;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.Date;
import java.util.List;

import static io.depot.projection.Redelivery.minute;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The download history holds each download once however often its event comes, also twice in one batch, whose
 * documents are inserted together.
 */
class DownloadHistoryProjectionRedeliveryTest {

    @AutoClose
    private final Redelivery redelivery = new Redelivery();

    @Test
    void everyDeliveryOfTheEventsKeepsTheSameHistory() {
        List<EventMessage<?>> committed = List.of(
                downloaded("f1", 1, "alice", 0),
                downloaded("f2", 1, "bob", 1),
                downloaded("f1", 2, "bob", 2),
                downloaded("f1", 2, "alice", 3),
                downloaded("f3", 1, "carol", 4));

        redelivery.assertSameReadModel(DownloadHistoryProjectionRedeliveryTest::projection, committed);

        DownloadHistoryProjection history = projection(
                redelivery.deliver(DownloadHistoryProjectionRedeliveryTest::projection, committed));
        assertThat(history.handle(new FindDownloadsQuery("f1", null, null, null, 0, 10)).items())
                .extracting(DownloadRecord::userId).containsExactly("alice", "bob", "alice");
    }

    @Test
    void writesTheDocumentTheDriverWritesForTheSameFields() {
        FileDownloadedEvent plain = new FileDownloadedEvent("f1", 3, "alice", "10.0.0.1", minute(7), null);
        FileDownloadedEvent linked = new FileDownloadedEvent("f2", 1, null, "10.0.0.2", minute(8), "s1")
                .linked(new DownloadLink("chain-1", 42, "prev", "hash", null));
        // Characters of two, three and four bytes in UTF-8, and a document longer than the writer's first buffer.
        FileDownloadedEvent wide = new FileDownloadedEvent("f3", 2, "zoë-ユーザー-\uD83D\uDCC1", "::1", minute(9), null)
                .linked(new DownloadLink("chain-2", 7, "p".repeat(300), "h".repeat(300), null));
        for (FileDownloadedEvent event : List.of(plain, linked, wide)) {
            DownloadLink link = event.link();
            Document expected = new Document("_id", "event-1")
                    .append("file_id", event.fileId())
                    .append("version", event.version())
                    .append("user_id", event.userId())
                    .append("share_id", event.shareId())
                    .append("client_address", event.clientAddress())
                    .append("at", Date.from(event.downloadedAt()))
                    .append("chain_id", link == null ? null : link.chainId())
                    .append("chain_sequence", link == null ? null : link.sequence())
                    .append("previous_hash", link == null ? null : link.previousHash())
                    .append("hash", link == null ? null : link.hash());
            RawBsonDocument written = DownloadHistoryProjection.document(event, "event-1");
            RawBsonDocument driver = new RawBsonDocument(expected,
                    MongoClientSettings.getDefaultCodecRegistry().get(Document.class));
            JsonWriterSettings extended = JsonWriterSettings.builder().outputMode(JsonMode.EXTENDED).build();
            assertThat(written.toJson(extended)).isEqualTo(driver.toJson(extended));
            assertThat(written.getByteBuffer().asNIO()).isEqualTo(driver.getByteBuffer().asNIO());
        }
    }

    private static DownloadHistoryProjection projection(MongoDatabase database) {
        return new DownloadHistoryProjection(ReadModelCollections.of(database));
    }

    private static EventMessage<?> downloaded(String fileId, long version, String userId, int at) {
        return GenericEventMessage.asEventMessage(
                new FileDownloadedEvent(fileId, version, userId, "10.0.0.1", minute(at)));
    }
}
