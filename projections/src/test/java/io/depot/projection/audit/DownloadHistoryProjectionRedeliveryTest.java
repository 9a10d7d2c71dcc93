package io.depot.projection.audit;

import com.mongodb.client.MongoDatabase;
import io.depot.audit.DownloadRecord;
import io.depot.audit.FindDownloadsQuery;
import io.depot.file.FileDownloadedEvent;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.Redelivery;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

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

    private static DownloadHistoryProjection projection(MongoDatabase database) {
        return new DownloadHistoryProjection(ReadModelCollections.of(database));
    }

    private static EventMessage<?> downloaded(String fileId, long version, String userId, int at) {
        return GenericEventMessage.asEventMessage(
                new FileDownloadedEvent(fileId, version, userId, "10.0.0.1", minute(at)));
    }
}
