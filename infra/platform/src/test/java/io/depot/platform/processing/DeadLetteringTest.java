package io.depot.platform.processing;

import org.axonframework.eventhandling.EventMessage;
import org.axonframework.eventhandling.EventMessageHandler;
import org.axonframework.eventhandling.GenericDomainEventMessage;
import org.axonframework.eventhandling.GenericEventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.GenericDeadLetter;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** How a failing event is retried in place, dead-lettered, and spaced out once dead-lettered. */
class DeadLetteringTest {

    private static final ProcessingProperties PROPERTIES = new ProcessingProperties(List.of(), 3, Duration.ofMillis(1),
            Duration.ofSeconds(5), Duration.ofMinutes(10), Duration.ofSeconds(1), List.of(), Duration.ofSeconds(5),
            500, List.of(), 4, 0, Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(2));

    private static final EventMessage<?> EVENT = new GenericDomainEventMessage<>("StoredFile", "f-1", 3, "payload");

    @Test
    void anEventThatKeepsFailingIsTriedTheConfiguredNumberOfTimesThenPassedOn() {
        AtomicInteger calls = new AtomicInteger();
        EventMessageHandler handler = failing(calls, Integer.MAX_VALUE);
        var errors = new RetryingErrorHandler("g", 3, Duration.ofMillis(1));

        assertThatThrownBy(() -> errors.onError(new IllegalStateException("first"), EVENT, handler))
                .hasMessage("attempt 3");
        assertThat(calls.get()).as("two more attempts after the first").isEqualTo(2);
    }

    @Test
    void anEventThatSucceedsOnALaterAttemptIsNotDeadLettered() throws Exception {
        AtomicInteger calls = new AtomicInteger();
        new RetryingErrorHandler("g", 3, Duration.ofMillis(1))
                .onError(new IllegalStateException("first"), EVENT, failing(calls, 1));
        assertThat(calls.get()).isEqualTo(2);
    }

    @Test
    void aFirstFailureIsEnqueuedWithNoRetriesAndEachFailedRetryCountsOne() {
        DeadLetter<EventMessage<?>> fresh = new GenericDeadLetter<>("f-1", EVENT, new IllegalStateException("down"));
        EnqueueDecision<EventMessage<?>> first = DeadLetters.policy().decide(fresh, new IllegalStateException("down"));
        assertThat(first.shouldEnqueue()).isTrue();
        DeadLetter<? extends EventMessage<?>> enqueued = first.withDiagnostics(fresh);
        assertThat(DeadLetters.retries(enqueued)).isZero();
        assertThat(first.enqueueCause().orElseThrow().getMessage()).contains("down");

        EnqueueDecision<EventMessage<?>> again = DeadLetters.policy().decide(enqueued, new IllegalStateException("still"));
        assertThat(again.shouldEnqueue()).isTrue();
        assertThat(DeadLetters.retries(again.withDiagnostics(enqueued))).isEqualTo(1);
    }

    @Test
    void aRetryAnOperatorRequestedIsDueAtOnceAndOnlyOnce() {
        DeadLetter<EventMessage<?>> letter = new GenericDeadLetter<>("f-1", EVENT, new IllegalStateException("down"));
        DeadLetter<? extends EventMessage<?>> enqueued = DeadLetters.policy().decide(letter, new IllegalStateException("down"))
                .withDiagnostics(letter);
        assertThat(DeadLetters.dueAt(enqueued, PROPERTIES)).isAfter(java.time.Instant.now());
        DeadLetter<? extends EventMessage<?>> requested = enqueued.withDiagnostics(
                enqueued.diagnostics().and(DeadLetters.RETRY_REQUESTED, true));
        assertThat(DeadLetters.dueAt(requested, PROPERTIES)).isBefore(java.time.Instant.now());

        DeadLetter<? extends EventMessage<?>> failedAgain = DeadLetters.policy()
                .decide(requested, new IllegalStateException("still down")).withDiagnostics(requested);
        assertThat(DeadLetters.dueAt(failedAgain, PROPERTIES)).isAfter(java.time.Instant.now());
        assertThat(DeadLetters.retries(failedAgain)).isEqualTo(1);
    }

    @Test
    void theCauseIsTruncated() {
        DeadLetter<EventMessage<?>> fresh = new GenericDeadLetter<>("f-1", EVENT);
        EnqueueDecision<EventMessage<?>> decision = DeadLetters.policy()
                .decide(fresh, new IllegalStateException("x".repeat(5000)));
        assertThat(decision.enqueueCause().orElseThrow().getMessage().length()).isLessThanOrEqualTo(1024);
    }

    @Test
    void retriesOfADeadLetterAreSpacedOutByADoublingPauseUpToTheMaximum() {
        assertThat(PROPERTIES.retryBackoffAfter(0)).isEqualTo(Duration.ofSeconds(5));
        assertThat(PROPERTIES.retryBackoffAfter(1)).isEqualTo(Duration.ofSeconds(10));
        assertThat(PROPERTIES.retryBackoffAfter(3)).isEqualTo(Duration.ofSeconds(40));
        assertThat(PROPERTIES.retryBackoffAfter(7)).isEqualTo(Duration.ofMinutes(10));
        assertThat(PROPERTIES.retryBackoffAfter(1000)).isEqualTo(Duration.ofMinutes(10));
    }

    @Test
    void aSequenceIsTheAggregateAnEventBelongsTo() {
        assertThat(DeadLetters.sequenceOf(EVENT)).isEqualTo("f-1");
        EventMessage<?> plain = GenericEventMessage.asEventMessage("payload");
        assertThat(DeadLetters.sequenceOf(plain)).isEqualTo(plain.getIdentifier());
    }

    /** A handler that fails its first {@code failures} calls, numbering them from attempt 2. */
    private static EventMessageHandler failing(AtomicInteger calls, int failures) {
        return new EventMessageHandler() {
            @Override
            public Object handle(EventMessage<?> event) {
                int call = calls.incrementAndGet();
                if (call <= failures) {
                    throw new IllegalStateException("attempt " + (call + 1));
                }
                return null;
            }

            @Override
            public Class<?> getTargetType() {
                return Object.class;
            }
        };
    }
}
