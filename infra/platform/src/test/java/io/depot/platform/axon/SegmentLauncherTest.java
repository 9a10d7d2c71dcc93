package io.depot.platform.axon;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.common.transaction.NoTransactionManager;
import org.axonframework.eventhandling.EventHandler;
import org.axonframework.eventhandling.SimpleEventHandlerInvoker;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.tokenstore.inmemory.InMemoryTokenStore;
import org.axonframework.eventsourcing.eventstore.EmbeddedEventStore;
import org.axonframework.eventsourcing.eventstore.inmemory.InMemoryEventStorageEngine;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.slf4j.Marker;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A segmented processor must go on claiming segments after it lets one go. Axon's tracking processor looks for
 * segments on a launcher thread that, once it claims the segment that uses its last free thread, becomes that
 * segment's thread; a segment let go in the moment between the two (as the balancer lets segments go for other
 * instances) frees a thread that no launcher will ever use: the processor never claims a segment again, and a dead
 * instance's segments are never taken over. The moment is made long here by holding the launcher in its log call.
 */
class SegmentLauncherTest {

    private static final String BECOMES_WORKER = "Using current Thread for last segment worker: {}";
    private static final int SEGMENTS = 2;

    private final CountDownLatch launcherHeld = new CountDownLatch(1);
    private final CountDownLatch letLauncherGo = new CountDownLatch(1);
    private final LoggerContext logging = (LoggerContext) LoggerFactory.getILoggerFactory();
    private final TurboFilter holdLauncher = new TurboFilter() {
        @Override
        public FilterReply decide(Marker marker, Logger logger, Level level, String format, Object[] params,
                                  Throwable t) {
            if (BECOMES_WORKER.equals(format)) {
                launcherHeld.countDown();
                try {
                    letLauncherGo.await(10, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return FilterReply.NEUTRAL;
        }
    };
    private TrackingEventProcessor processor;

    @AfterEach
    void stop() {
        letLauncherGo.countDown();
        logging.getTurboFilterList().remove(holdLauncher);
        if (processor != null) {
            processor.shutDown();
        }
    }

    @Test
    void withAThreadForEachSegmentTheLauncherIsLostWhenASegmentIsLetGoAsItBecomesAWorker() throws Exception {
        processor = start(TrackingEventProcessorConfiguration.forParallelProcessing(SEGMENTS)
                .andInitialSegmentsCount(SEGMENTS)
                .andTokenClaimInterval(50, TimeUnit.MILLISECONDS));
        assertThat(launcherHeld.await(10, TimeUnit.SECONDS)).as("the launcher claimed the last segment").isTrue();
        await().atMost(Duration.ofSeconds(5)).until(() -> processor.processingStatus().containsKey(0));

        processor.releaseSegment(0, 300, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> !processor.processingStatus().containsKey(0));
        letLauncherGo.countDown();

        // Long after the release ended, a thread is free and segment 0 is claimable, and nobody claims it.
        Thread.sleep(1500);
        assertThat(processor.availableProcessorThreads()).isEqualTo(1);
        assertThat(processor.processingStatus()).containsOnlyKeys(1);
    }

    @Test
    void depotsSegmentedProcessorsKeepTheirLauncherAndClaimASegmentLetGoAgain() throws Exception {
        // Threads left at their default; claims looked for every 50 ms.
        ProcessingProperties properties = new ProcessingProperties(List.of(), 3, Duration.ofMillis(200),
                Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(1), List.of(), Duration.ofMinutes(2),
                500, List.of(), SEGMENTS, 0, Duration.ofMillis(50), Duration.ofSeconds(10), Duration.ofSeconds(2));
        processor = start(SegmentedProcessingAutoConfiguration.segmented(properties));
        await().atMost(Duration.ofSeconds(10)).until(() -> processor.processingStatus().keySet().size() == SEGMENTS);

        processor.releaseSegment(0, 300, TimeUnit.MILLISECONDS);
        await().atMost(Duration.ofSeconds(5)).until(() -> !processor.processingStatus().containsKey(0));

        await().atMost(Duration.ofSeconds(5)).until(() -> processor.processingStatus().containsKey(0));
        assertThat(processor.processingStatus()).containsOnlyKeys(0, 1);
        assertThat(launcherHeld.getCount()).as("the launcher never became a segment's thread").isEqualTo(1);
    }

    private TrackingEventProcessor start(TrackingEventProcessorConfiguration configuration) {
        logging.addTurboFilter(holdLauncher);
        EmbeddedEventStore events = EmbeddedEventStore.builder()
                .storageEngine(new InMemoryEventStorageEngine()).build();
        TrackingEventProcessor started = TrackingEventProcessor.builder()
                .name("launcher-test")
                .eventHandlerInvoker(SimpleEventHandlerInvoker.builder().eventHandlers(new Object() {
                    @EventHandler
                    void on(String event) {
                    }
                }).build())
                .messageSource(events)
                .tokenStore(new InMemoryTokenStore())
                .transactionManager(NoTransactionManager.INSTANCE)
                .trackingEventProcessorConfiguration(
                        configuration.andEventAvailabilityTimeout(100, TimeUnit.MILLISECONDS))
                .build();
        started.start();
        return started;
    }
}
