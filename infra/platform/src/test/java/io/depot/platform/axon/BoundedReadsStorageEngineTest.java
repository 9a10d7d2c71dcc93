package io.depot.platform.axon;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingEventStream;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

class BoundedReadsStorageEngineTest {

    private final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine();
    private EmbeddedEventStore store;

    @AfterEach
    void shutDown() {
        if (store != null) {
            store.shutDown();
        }
    }

    private void append(int from, int to) {
        storage.appendEvents(IntStream.range(from, to)
                .mapToObj(i -> (EventMessage<?>) GenericEventMessage.asEventMessage("event-" + i)).toList());
    }

    @Test
    void aReadEndsAfterTheLimitAndTheNextStartsWhereItEnded() {
        append(0, 25);
        BoundedReadsStorageEngine bounded = new BoundedReadsStorageEngine(storage, 10);

        List<TrackedEventMessage<?>> first = new ArrayList<>();
        bounded.readEvents(null, false).forEach(first::add);
        List<TrackedEventMessage<?>> rest = new ArrayList<>();
        bounded.readEvents(first.get(9).trackingToken(), false).forEach(rest::add);

        assertThat(first.stream().map(e -> (Object) e.getPayload()).toList())
                .containsExactlyElementsOf(IntStream.range(0, 10).mapToObj(i -> "event-" + i).toList());
        assertThat(rest.stream().map(e -> (Object) e.getPayload()).toList())
                .containsExactlyElementsOf(IntStream.range(10, 20).mapToObj(i -> "event-" + i).toList());
    }

    @Test
    void aTrackingStreamOfTheEventStoreReadsEveryEventAcrossBoundedReads() throws InterruptedException {
        readsEveryEventInOrder(new BoundedReadsStorageEngine(storage, 7));
    }

    @Test
    void readAheadReadsEveryEventInOrder() throws InterruptedException {
        readsEveryEventInOrder(new BoundedReadsStorageEngine(storage, 7, 3));
    }

    private void readsEveryEventInOrder(BoundedReadsStorageEngine engine) throws InterruptedException {
        store = EmbeddedEventStore.builder().storageEngine(engine).cachedEvents(5).build();
        append(0, 40); // already stored: read on the stream's own, in passes of 7
        List<Object> read = new ArrayList<>();
        try (TrackingEventStream stream = store.openStream(null)) {
            while (read.size() < 40) {
                read.add(next(stream));
            }
            store.publish(IntStream.range(40, 60)
                    .mapToObj(i -> (EventMessage<?>) GenericEventMessage.asEventMessage("event-" + i)).toList());
            while (read.size() < 60) { // published while tailing: read by the shared reader, in passes of 7
                read.add(next(stream));
            }
        }
        assertThat(read).containsExactlyElementsOf(IntStream.range(0, 60).mapToObj(i -> "event-" + i).toList());
    }

    /**
     * The next event, waiting as a tracking processor does: in short waits. The store's tailing streams can miss a
     * wake-up (checked outside the lock), which costs a processor one wait, and would cost a single unbounded wait
     * forever.
     */
    private static Object next(TrackingEventStream stream) throws InterruptedException {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
        while (!stream.hasNextAvailable(100, java.util.concurrent.TimeUnit.MILLISECONDS)) {
            assertThat(System.nanoTime()).as("an event within 10 s").isLessThan(deadline);
        }
        return stream.nextAvailable().getPayload();
    }

    @Test
    void closingABoundedReadClosesTheDelegatesStream() {
        java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();
        org.axonframework.eventsourcing.eventstore.EventStorageEngine closing = new InMemoryEventStorageEngine() {
            @Override
            public java.util.stream.Stream<? extends TrackedEventMessage<?>> readEvents(
                    org.axonframework.eventhandling.TrackingToken token, boolean mayBlock) {
                return super.readEvents(token, mayBlock).onClose(() -> closed.set(true));
            }
        };
        new BoundedReadsStorageEngine(closing, 10).readEvents(null, false).close();
        assertThat(closed).isTrue();
    }

    @Test
    void readAheadPassesAFailureOnAfterTheEventsBeforeIt() {
        append(0, 5);
        org.axonframework.eventsourcing.eventstore.EventStorageEngine failing = new InMemoryEventStorageEngine() {
            @Override
            public java.util.stream.Stream<? extends TrackedEventMessage<?>> readEvents(
                    org.axonframework.eventhandling.TrackingToken token, boolean mayBlock) {
                return java.util.stream.Stream.concat(storage.readEvents(token, mayBlock).limit(3),
                        java.util.stream.Stream.<TrackedEventMessage<?>>generate(() -> {
                            throw new IllegalStateException("store down");
                        }));
            }
        };
        java.util.Iterator<? extends TrackedEventMessage<?>> events =
                new BoundedReadsStorageEngine(failing, 10, 2).readEvents(null, false).iterator();
        List<Object> read = new ArrayList<>();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> events.forEachRemaining(e -> read.add(e.getPayload())))
                .isInstanceOf(IllegalStateException.class).hasMessage("store down");
        assertThat(read).containsExactly("event-0", "event-1", "event-2");
    }

    @Test
    void closingAReadAheadClosesTheDelegatesStream() throws InterruptedException {
        append(0, 50);
        java.util.concurrent.CountDownLatch closed = new java.util.concurrent.CountDownLatch(1);
        org.axonframework.eventsourcing.eventstore.EventStorageEngine closing = new InMemoryEventStorageEngine() {
            @Override
            public java.util.stream.Stream<? extends TrackedEventMessage<?>> readEvents(
                    org.axonframework.eventhandling.TrackingToken token, boolean mayBlock) {
                return storage.readEvents(token, mayBlock).onClose(closed::countDown);
            }
        };
        try (var events = new BoundedReadsStorageEngine(closing, 100, 2).readEvents(null, false)) {
            assertThat(events.iterator().next().getPayload()).isEqualTo("event-0");
        }
        assertThat(closed.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
    }

    @Test
    void refusesALimitBelowOne() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> new BoundedReadsStorageEngine(storage, 0))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
