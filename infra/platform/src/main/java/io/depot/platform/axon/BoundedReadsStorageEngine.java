package io.depot.platform.axon;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventsourcing.eventstore.DomainEventStream;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * An event storage engine whose streams of tracked events end after {@code maxEvents}; everything else is the
 * delegate's. Axon's embedded event store reads new events for its processors in one stream that runs until the
 * store has nothing more, and keeps every event it read in that pass reachable until the pass ends: behind a bulk
 * import, or a steady stream of events appended by other instances, that pass never ends and the heap fills (a
 * 1,000,000-event import took a 1 GiB service down). Bounded streams make each pass at most {@code maxEvents}
 * long; the store then starts the next one where it stopped, and a processor reading on its own opens its next
 * stream where the last one ended.
 * <p>
 * With {@code readAhead} above zero, each stream of tracked events is read on a thread of its own, up to that many
 * events ahead of its processor ({@link ReadAhead}): the processor handles one batch while the next is fetched.
 */
public final class BoundedReadsStorageEngine implements EventStorageEngine {

    private static final AtomicInteger READER_COUNT = new AtomicInteger();
    private static final Executor READERS = Executors.newCachedThreadPool(task -> {
        Thread thread = new Thread(task, "depot-event-read-ahead-" + READER_COUNT.incrementAndGet());
        thread.setDaemon(true);
        return thread;
    });

    private final EventStorageEngine delegate;
    private final int maxEvents;
    private final int readAhead;

    public BoundedReadsStorageEngine(EventStorageEngine delegate, int maxEvents) {
        this(delegate, maxEvents, 0);
    }

    public BoundedReadsStorageEngine(EventStorageEngine delegate, int maxEvents, int readAhead) {
        if (maxEvents < 1) {
            throw new IllegalArgumentException("maxEvents must be positive, was " + maxEvents);
        }
        if (readAhead < 0) {
            throw new IllegalArgumentException("readAhead must not be negative, was " + readAhead);
        }
        this.delegate = delegate;
        this.maxEvents = maxEvents;
        this.readAhead = readAhead;
    }

    @Override
    public Stream<? extends TrackedEventMessage<?>> readEvents(TrackingToken trackingToken, boolean mayBlock) {
        // Closing the limited stream closes the delegate's: close handlers belong to the whole pipeline.
        Stream<? extends TrackedEventMessage<?>> events = delegate.readEvents(trackingToken, mayBlock).limit(maxEvents);
        return readAhead == 0 ? events : ReadAhead.of(events, readAhead, READERS);
    }

    @Override
    public void appendEvents(List<? extends EventMessage<?>> events) {
        delegate.appendEvents(events);
    }

    @Override
    public void storeSnapshot(DomainEventMessage<?> snapshot) {
        delegate.storeSnapshot(snapshot);
    }

    @Override
    public DomainEventStream readEvents(String aggregateIdentifier) {
        return delegate.readEvents(aggregateIdentifier);
    }

    @Override
    public DomainEventStream readEvents(String aggregateIdentifier, long firstSequenceNumber) {
        return delegate.readEvents(aggregateIdentifier, firstSequenceNumber);
    }

    @Override
    public Optional<DomainEventMessage<?>> readSnapshot(String aggregateIdentifier) {
        return delegate.readSnapshot(aggregateIdentifier);
    }

    @Override
    public Optional<Long> lastSequenceNumberFor(String aggregateIdentifier) {
        return delegate.lastSequenceNumberFor(aggregateIdentifier);
    }

    @Override
    public TrackingToken createTailToken() {
        return delegate.createTailToken();
    }

    @Override
    public TrackingToken createHeadToken() {
        return delegate.createHeadToken();
    }

    @Override
    public TrackingToken createTokenAt(Instant dateTime) {
        return delegate.createTokenAt(dateTime);
    }
}
