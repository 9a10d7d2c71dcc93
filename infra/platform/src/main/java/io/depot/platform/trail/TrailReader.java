package io.depot.platform.trail;

import io.depot.file.FileDownloadedEvent;
import org.axonframework.common.stream.BlockingStream;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;

import java.time.Instant;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Reads the download trail from the event store, one event at a time. Where the service has the storage engine (the
 * JDBC event store) it reads the database itself: the event store keeps recent events in memory for its processors,
 * and a verifier reading that copy would not see what was changed in the database since. With Axon Server it reads
 * the server's stream.
 */
public final class TrailReader {

    /** A FileDownloaded event as stored: its id, when it was written, and the download. */
    public record StoredDownload(String eventId, Instant writtenAt, FileDownloadedEvent download) {
    }

    private final EventStore store;
    private final EventStorageEngine engine;

    /** @param engine the storage engine behind {@code store}, or null when there is none to read directly */
    public TrailReader(EventStore store, EventStorageEngine engine) {
        this.store = store;
        this.engine = engine;
    }

    /**
     * The downloads written at or after {@code since} (every one when null) up to the newest event stored now, in the
     * store's order. A lazy stream: close it.
     */
    public Stream<StoredDownload> since(Instant since) {
        TrackingToken head = engine != null ? engine.createHeadToken() : store.createHeadToken();
        if (head == null || head.position().isEmpty()) {
            return Stream.empty();
        }
        long last = head.position().getAsLong();
        TrackingToken start = since == null ? tail() : engine != null ? engine.createTokenAt(since) : store.createTokenAt(since);
        Stream<? extends TrackedEventMessage<?>> events = engine != null ? engine.readEvents(start, false) : blocking(start);
        return events.takeWhile(m -> m.trackingToken().position().orElse(Long.MAX_VALUE) <= last)
                .filter(m -> FileDownloadedEvent.class.equals(m.getPayloadType()))
                .map(m -> new StoredDownload(m.getIdentifier(), m.getTimestamp(), (FileDownloadedEvent) m.getPayload()));
    }

    private TrackingToken tail() {
        return engine != null ? engine.createTailToken() : store.createTailToken();
    }

    /** The event store's stream, ended once nothing more arrives for a while: the head is then behind us. */
    private Stream<TrackedEventMessage<?>> blocking(TrackingToken start) {
        BlockingStream<TrackedEventMessage<?>> stream = store.openStream(start);
        var events = new Spliterators.AbstractSpliterator<TrackedEventMessage<?>>(Long.MAX_VALUE, Spliterator.ORDERED) {
            @Override
            public boolean tryAdvance(java.util.function.Consumer<? super TrackedEventMessage<?>> action) {
                try {
                    if (!stream.hasNextAvailable(5, TimeUnit.SECONDS)) {
                        return false;
                    }
                    action.accept(stream.nextAvailable());
                    return true;
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        };
        return StreamSupport.stream(events, false).onClose(stream::close);
    }
}
