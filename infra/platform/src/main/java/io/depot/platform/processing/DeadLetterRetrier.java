package io.depot.platform.processing;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.SequencedDeadLetterProcessor;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Clock;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Retries dead letters on their own: each sequence whose first letter's pause has passed is handled again, and a
 * retry that fails doubles the pause (up to {@code depot.processing.max-retry-backoff}). So work that failed because a
 * dependency was down (storage, clamd) finishes once it is back, without an operator; a poisoned event costs one
 * attempt per pause and stays visible in {@code GET /v1/admin/dead-letters} until it succeeds or is evicted. Each
 * instance retries the groups it runs; the queue's claims keep two instances off the same sequence. The number of
 * dead letters per group is the gauge {@code depot.dead.letters}.
 */
public final class DeadLetterRetrier implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DeadLetterRetrier.class);
    /** Sequences retried per group per poll, so one poll never runs for long. */
    private static final int SEQUENCES_PER_POLL = 20;

    private final EventProcessingConfiguration processing;
    private final ProcessingProperties properties;
    private final Clock clock;
    private final Map<String, AtomicLong> counts = new ConcurrentHashMap<>();
    private ScheduledExecutorService executor;

    public DeadLetterRetrier(EventProcessingConfiguration processing, ProcessingProperties properties, Clock clock,
                             Optional<MeterRegistry> meters) {
        this.processing = processing;
        this.properties = properties;
        this.clock = clock;
        properties.deadLettered().forEach(group -> {
            AtomicLong count = new AtomicLong();
            counts.put(group, count);
            meters.ifPresent(registry -> Gauge.builder("depot.dead.letters", count, AtomicLong::get)
                    .description("Events dead-lettered by a processing group and not yet retried successfully")
                    .tag("group", group)
                    .register(registry));
        });
    }

    @Override
    public synchronized void start() {
        executor = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "depot-dead-letter-retrier");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.retryPollInterval().toMillis();
        executor.scheduleWithFixedDelay(this::poll, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (executor != null) {
            executor.shutdownNow();
            try {
                executor.awaitTermination(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            executor = null;
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return executor != null;
    }

    /** Stops before the event processors do, so no retry runs against a processor shutting down. */
    @Override
    public int getPhase() {
        return Integer.MAX_VALUE - 100;
    }

    void poll() {
        for (String group : properties.deadLettered()) {
            try {
                retryDue(group);
            } catch (RuntimeException e) {
                log.warn("Retrying the dead letters of {} failed; trying again in {}: {}", group,
                        properties.retryPollInterval(), e.toString());
            }
        }
    }

    private void retryDue(String group) {
        Optional<SequencedDeadLetterQueue<EventMessage<?>>> queue = processing.deadLetterQueue(group);
        if (queue.isEmpty()) {
            return;
        }
        long letters = queue.get().size();
        counts.get(group).set(letters);
        Optional<SequencedDeadLetterProcessor<EventMessage<?>>> processor = processing.sequencedDeadLetterProcessor(group);
        if (processor.isEmpty() || letters == 0) {
            return;
        }
        for (int i = 0; i < SEQUENCES_PER_POLL && !Thread.currentThread().isInterrupted(); i++) {
            Instant now = clock.instant();
            boolean retried = processor.get().process(letter -> !DeadLetters.dueAt(letter, properties).isAfter(now));
            if (!retried) {
                return;
            }
            log.info("{}: a dead-lettered sequence was retried and handled", group);
        }
    }
}
