package io.depot.platform.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.TimeGauge;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.TrackedEventMessage;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.WrappedToken;
import org.axonframework.eventsourcing.eventstore.EventStorageEngine;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * How far each event processor of this instance is behind the head of the event store, per processing group:
 * {@code depot.processor.lag} ({@code depot_processor_lag_events}), the events between the head and the group's
 * lowest segment here, and {@code depot.processor.lag.age} ({@code depot_processor_lag_age_seconds}), how long ago
 * the oldest event it has not handled was appended (0 when caught up). A scan backlog is the lag of
 * {@code malware-scan}. Where instances share a group's segments each reports the segments it holds, so alert on the
 * maximum over instances; a group holding no segment here reports NaN.
 * <p>
 * The figures are worked out on a scrape, at most once every {@value #REFRESH_SECONDS} s however many gauges and
 * scrapers read them; the age costs one read of the event store per lagging group (none on Axon Server, which
 * has no storage engine here: the age is left out there).
 */
final class ProcessorLag implements ApplicationListener<ApplicationReadyEvent> {

    private static final Logger log = LoggerFactory.getLogger(ProcessorLag.class);
    private static final int REFRESH_SECONDS = 5;

    private final MeterRegistry meters;
    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final EventStorageEngine storageEngine;
    private final Clock clock;
    private Map<String, Sample> samples = Map.of();
    private Instant sampledAt = Instant.MIN;

    private record Sample(double events, double ageSeconds) {
        static final Sample NONE = new Sample(Double.NaN, Double.NaN);
    }

    ProcessorLag(MeterRegistry meters, EventProcessingConfiguration processing, EventStore eventStore,
                 EventStorageEngine storageEngine, Clock clock) {
        this.meters = meters;
        this.processing = processing;
        this.eventStore = eventStore;
        this.storageEngine = storageEngine;
        this.clock = clock;
    }

    /** The processors exist once Axon has started; their groups are the gauges' labels. */
    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        streaming().keySet().forEach(group -> {
            Gauge.builder("depot.processor.lag", this, lag -> lag.sample(group).events())
                    .description("Events appended to the event store that the processing group has not handled yet")
                    .baseUnit("events")
                    .tag("group", group)
                    .register(meters);
            if (storageEngine != null) {
                TimeGauge.builder("depot.processor.lag.age", this, TimeUnit.SECONDS,
                                lag -> lag.sample(group).ageSeconds())
                        .description("Age of the oldest event the processing group has not handled yet")
                        .tag("group", group)
                        .register(meters);
            }
        });
    }

    private synchronized Sample sample(String group) {
        Instant now = clock.instant();
        if (sampledAt.plusSeconds(REFRESH_SECONDS).isBefore(now)) {
            samples = sampleAll(now);
            sampledAt = now;
        }
        return samples.getOrDefault(group, Sample.NONE);
    }

    private Map<String, Sample> sampleAll(Instant now) {
        Map<String, Sample> sampled = new HashMap<>();
        try {
            TrackingToken headToken = eventStore.createHeadToken();
            long head = headToken == null ? -1 : headToken.position().orElse(-1);
            streaming().forEach((group, processor) -> lowest(processor).ifPresent(status -> {
                long position = status.getCurrentPosition().orElse(-1);
                long behind = Math.max(0, head - position);
                double age = behind == 0 ? 0 : ageOfNext(status.getTrackingToken(), now);
                sampled.put(group, new Sample(behind, age));
            }));
        } catch (RuntimeException e) {
            log.warn("Could not work out the event processors' lag: {}", e.toString());
        }
        return sampled;
    }

    /** The segment furthest behind; none when this instance holds no segment of the group. */
    private static Optional<EventTrackerStatus> lowest(StreamingEventProcessor processor) {
        return processor.processingStatus().values().stream()
                .min(Comparator.comparingLong(s -> s.getCurrentPosition().orElse(-1)));
    }

    private double ageOfNext(TrackingToken token, Instant now) {
        if (storageEngine == null) {
            return Double.NaN;
        }
        try (Stream<? extends TrackedEventMessage<?>> events =
                     storageEngine.readEvents(WrappedToken.unwrapLowerBound(token), false)) {
            return events.findFirst()
                    .map(next -> Math.max(0, Duration.between(next.getTimestamp(), now).toMillis() / 1000.0))
                    .orElse(0.0);
        }
    }

    private Map<String, StreamingEventProcessor> streaming() {
        Map<String, StreamingEventProcessor> streaming = new HashMap<>();
        processing.eventProcessors().forEach((name, processor) -> {
            if (processor instanceof StreamingEventProcessor s) {
                streaming.put(name, s);
            }
        });
        return streaming;
    }
}
