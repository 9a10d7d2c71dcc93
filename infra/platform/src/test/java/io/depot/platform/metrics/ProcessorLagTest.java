package io.depot.platform.metrics;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.eventhandling.GlobalSequenceTrackingToken;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.axonframework.messaging.GenericMessage;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mockito.Mockito.mock;
import static org.mockito.Mockito.when;

class ProcessorLagTest {

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final InMemoryEventStorageEngine storage = new InMemoryEventStorageEngine();
    private final EventStore eventStore = mock(EventStore.class);
    private final EventProcessingConfiguration processing = mock(EventProcessingConfiguration.class);

    /** Events 0 to 7, appended one second apart from {@link #START}; the head is event 7. */
    private void eightEvents() {
        for (int i = 0; i < 8; i++) {
            Instant at = START.plusSeconds(i);
            storage.appendEvents(new GenericEventMessage<>(new GenericMessage<>("event " + i), () -> at));
        }
        when(eventStore.createHeadToken()).thenReturn(storage.createHeadToken());
    }

    private void group(String name, long... segmentPositions) {
        StreamingEventProcessor processor = mock(StreamingEventProcessor.class);
        Map<Integer, EventTrackerStatus> statuses = new java.util.HashMap<>();
        for (int segment = 0; segment < segmentPositions.length; segment++) {
            EventTrackerStatus status = mock(EventTrackerStatus.class);
            when(status.getCurrentPosition()).thenReturn(OptionalLong.of(segmentPositions[segment]));
            when(status.getTrackingToken()).thenReturn(new GlobalSequenceTrackingToken(segmentPositions[segment]));
            statuses.put(segment, status);
        }
        when(processor.processingStatus()).thenReturn(statuses);
        Map<String, EventProcessor> processors = new java.util.HashMap<>(processing.eventProcessors());
        processors.put(name, (EventProcessor) processor);
        when(processing.eventProcessors()).thenReturn(processors);
    }

    private ProcessorLag lagAt(Instant now) {
        ProcessorLag lag = new ProcessorLag(meters, processing, eventStore, storage, Clock.fixed(now, ZoneOffset.UTC));
        lag.onApplicationEvent(null);
        return lag;
    }

    @Test
    void countsTheEventsBehindTheHeadFromTheLowestSegmentAndTheAgeOfTheFirstOfThem() {
        when(processing.eventProcessors()).thenReturn(Map.of());
        eightEvents();
        group("files", 7, 3);
        group("sagas", 7);

        lagAt(START.plusSeconds(100));

        assertThat(meters.get("depot.processor.lag").tag("group", "files").gauge().value()).isEqualTo(4);
        assertThat(meters.get("depot.processor.lag.age").tag("group", "files").timeGauge().value(TimeUnit.SECONDS))
                .isEqualTo(96); // event 4, the first not handled by segment 1, was appended at START + 4 s
        assertThat(meters.get("depot.processor.lag").tag("group", "sagas").gauge().value()).isZero();
        assertThat(meters.get("depot.processor.lag.age").tag("group", "sagas").timeGauge().value(TimeUnit.SECONDS))
                .isZero();
    }

    @Test
    void aGroupHoldingNoSegmentHereReportsNoFigure() {
        when(processing.eventProcessors()).thenReturn(Map.of());
        eightEvents();
        group("files");

        lagAt(START.plusSeconds(100));

        assertThat(meters.get("depot.processor.lag").tag("group", "files").gauge().value()).isNaN();
    }
}
