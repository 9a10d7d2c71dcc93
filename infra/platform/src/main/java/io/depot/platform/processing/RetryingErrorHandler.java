package io.depot.platform.processing;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.ListenerInvocationErrorHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

/**
 * Tries a failed event again where it failed, a bounded number of times with a doubling pause, before the failure
 * goes on to the dead-letter queue: a blip (storage answering 503 once, a lost concurrency race) costs a pause, not
 * a dead letter. Handlers are idempotent, so a repeated attempt changes nothing twice.
 */
final class RetryingErrorHandler implements ListenerInvocationErrorHandler {

    private static final Logger log = LoggerFactory.getLogger(RetryingErrorHandler.class);

    private final String group;
    private final int attempts;
    private final Duration backoff;

    RetryingErrorHandler(String group, int attempts, Duration backoff) {
        this.group = group;
        this.attempts = attempts;
        this.backoff = backoff;
    }

    @Override
    public void onError(Exception exception, EventMessage<?> event, EventMessageHandler handler) throws Exception {
        Exception last = exception;
        Duration pause = backoff;
        for (int attempt = 2; attempt <= attempts; attempt++) {
            log.warn("{}: {} failed (attempt {} of {}), trying again in {} ms: {}", group, event.getPayloadType().getSimpleName(),
                    attempt - 1, attempts, pause.toMillis(), last.toString());
            Thread.sleep(pause.toMillis());
            pause = pause.multipliedBy(2);
            try {
                handler.handle(event);
                return;
            } catch (Exception e) {
                last = e;
            }
        }
        log.warn("{}: {} failed {} times, dead-lettering it: {}", group, event.getPayloadType().getSimpleName(), attempts,
                last.toString());
        throw last;
    }
}
