package io.depot.projection.file;

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
import io.depot.file.RenditionStatus;
import io.depot.file.RenditionView;
import io.depot.file.Transform;
import io.depot.platform.readmodel.ReadModelCollections;
import io.depot.projection.AggregateEvents;
import io.depot.projection.Redelivery;
import org.axonframework.eventhandling.EventMessage;
import org.junit.jupiter.api.AutoClose;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.depot.projection.Redelivery.minute;
import static org.assertj.core.api.Assertions.assertThat;

/** Renditions are listed the same however often, and in whatever order across files, their events come. */
class RenditionProjectionRedeliveryTest {

    @AutoClose
    private final Redelivery redelivery = new Redelivery();

    private static FileRenditionCreatedEvent created(String fileId, long version, String name, int minute) {
        return new FileRenditionCreatedEvent(fileId, version, name, "renditions/" + fileId + "/" + version + "/" + name,
                name.endsWith("png") ? "image/png" : "image/jpeg", 128, 96, 1000 + minute, minute(minute));
    }

    private static FileRenditionRequestedEvent requested(String fileId, long version, Transform t, int minute) {
        return new FileRenditionRequestedEvent(fileId, version, t.name(), t.width(), t.height(), t.fit(), t.format(),
                "alice", minute(minute));
    }

    @Test
    void everyDeliveryOfTheEventsBuildsTheSameRenditions() {
        Transform made = Transform.of(64, 48, "cover", "png");
        Transform pending = Transform.of(32, null, null, null);
        Transform refused = Transform.of(null, 20, null, null);
        AggregateEvents kept = new AggregateEvents("StoredFile", "f1");
        AggregateEvents deleted = new AggregateEvents("StoredFile", "f2");
        List<EventMessage<?>> committed = List.of(
                kept.next(created("f1", 1, "128.jpg", 0)),
                deleted.next(created("f2", 1, "128.jpg", 1)),
                kept.next(created("f1", 1, "128.png", 2)),
                kept.next(created("f1", 2, "128.jpg", 3)),
                kept.next(created("f1", 3, "128.jpg", 4)),
                kept.next(new FileVersionDeletedEvent("f1", 3, "alice", "objects/f1/u3", minute(5))),
                kept.next(new FileRenditionsRemovedEvent("f1", 3, List.of("renditions/f1/3/128.jpg"), minute(5))),
                kept.next(new FileRenditionFailedEvent("f1", 4, null, "its bytes are not an image", minute(6))),
                kept.next(requested("f1", 2, made, 6)),
                kept.next(requested("f1", 2, pending, 6)),
                kept.next(new FileRenditionStartedEvent("f1", 2, made.name(), minute(7))),
                kept.next(created("f1", 2, made.name(), 8)),
                kept.next(requested("f1", 4, refused, 8)),
                kept.next(new FileRenditionStartedEvent("f1", 4, "poster.jpg", minute(8))),
                kept.next(new FileRenditionFailedEvent("f1", 4, refused.name(), "it declares too many pixels",
                        minute(9))),
                deleted.next(new FileDeletedEvent("f2", "bob", 1, List.of("objects/f2/u1"), minute(7))),
                deleted.next(new FileRenditionsRemovedEvent("f2", 1, List.of("renditions/f2/1/128.jpg"), minute(7))));

        redelivery.assertSameReadModel(database -> new RenditionProjection(ReadModelCollections.of(database)),
                committed);

        RenditionProjection renditions = new RenditionProjection(ReadModelCollections.of(redelivery.deliver(
                database -> new RenditionProjection(ReadModelCollections.of(database)), committed)));
        FileRenditions f1 = renditions.handle(new ListRenditionsQuery("f1"));
        assertThat(f1.items()).extracting(r -> r.version() + "/" + r.name() + " " + r.status().word())
                .containsExactly("4/h20-contain.jpg failed", "4/poster.jpg processing", "2/128.jpg available",
                        "2/w32-contain.jpg pending", "2/w64-h48-cover.png available", "1/128.jpg available",
                        "1/128.png available");
        assertThat(f1.failures()).extracting(f -> f.version() + "/" + f.name() + ": " + f.reason())
                .containsExactly("4/null: its bytes are not an image", "4/h20-contain.jpg: it declares too many pixels");
        assertThat(renditions.handle(new FindRenditionQuery("f1", made.name(), null))).get()
                .extracting(RenditionView::width).isEqualTo(128);
        assertThat(renditions.handle(new FindRenditionQuery("f1", pending.name(), null))).isEmpty();
        assertThat(renditions.handle(new FindRenditionQuery("f1", pending.name(), 2L, true))).get()
                .extracting(RenditionView::status).isEqualTo(RenditionStatus.PENDING);
        assertThat(renditions.handle(new FindRenditionQuery("f1", "128.jpg", null))).get()
                .extracting(RenditionView::version).isEqualTo(2L);
        assertThat(renditions.handle(new FindRenditionQuery("f1", "128.jpg", 1L))).get()
                .extracting(RenditionView::objectKey).isEqualTo("renditions/f1/1/128.jpg");
        assertThat(renditions.handle(new FindRenditionQuery("f1", "128.png", 2L))).isEmpty();
        assertThat(renditions.handle(new ListRenditionsQuery("f2")).items()).isEmpty();
    }
}
