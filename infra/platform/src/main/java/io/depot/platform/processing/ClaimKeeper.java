package io.depot.platform.processing;

import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Keeps a processor's segment claims alive while one of its handlers runs long (a scan or a hash of a large object).
 * A tracking processor renews its claims as each event starts and while idle, not while a handler runs: a handler that
 * outlasts the claim timeout loses its segment to another instance, which handles the same event again. Wrapped in
 * {@link #during}, the claims this instance holds for the group are renewed every {@code interval} until the work ends.
 */
public final class ClaimKeeper implements DisposableBean {

    private static final Logger log = LoggerFactory.getLogger(ClaimKeeper.class);

    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;
    private final Duration interval;
    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(task -> {
        Thread thread = new Thread(task, "depot-claim-keeper");
        thread.setDaemon(true);
        return thread;
    });

    public ClaimKeeper(EventProcessingConfiguration processing, TokenStore tokens, Duration interval) {
        this.processing = processing;
        this.tokens = tokens;
        this.interval = interval;
    }

    /** Runs {@code work}, renewing the group's claims held here meanwhile. */
    public <T, E extends Exception> T during(String group, Work<T, E> work) throws E {
        ScheduledFuture<?> renewal = scheduler.scheduleWithFixedDelay(() -> renew(group), interval.toMillis(),
                interval.toMillis(), TimeUnit.MILLISECONDS);
        try {
            return work.run();
        } finally {
            renewal.cancel(false);
        }
    }

    private void renew(String group) {
        try {
            processing.eventProcessor(group, StreamingEventProcessor.class).ifPresent(processor ->
                    processor.processingStatus().keySet().forEach(segment -> tokens.extendClaim(group, segment)));
        } catch (RuntimeException e) {
            log.warn("Could not renew the claims of {}: {}", group, e.toString());
        }
    }

    @Override
    public void destroy() {
        scheduler.shutdownNow();
    }

    /** Work that returns a result and may throw. */
    @FunctionalInterface
    public interface Work<T, E extends Exception> {
        T run() throws E;
    }
}
