package io.depot.platform.processing;

import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.MetaData;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.Decisions;
import org.axonframework.messaging.deadletter.EnqueueDecision;
import org.axonframework.messaging.deadletter.EnqueuePolicy;
import org.axonframework.messaging.deadletter.ThrowableCause;

import java.time.Instant;

/**
 * What Depot records on a dead letter besides its cause: how often it was retried since it was dead-lettered
 * ({@code retries}), which spaces out its automatic retries.
 */
public final class DeadLetters {

    static final String RETRIES = "retries";
    /** Set by an operator's retry on a service that does not run the group: the next poll of one that does retries it. */
    public static final String RETRY_REQUESTED = "retryRequested";
    private static final int MAX_CAUSE_LENGTH = 1024;

    private DeadLetters() {
    }

    /** Dead-letters every failure; a failed retry puts the letter back with one more retry counted. */
    static EnqueuePolicy<EventMessage<?>> policy() {
        return DeadLetters::decide;
    }

    private static EnqueueDecision<EventMessage<?>> decide(DeadLetter<? extends EventMessage<?>> letter, Throwable cause) {
        Throwable truncated = truncated(cause);
        if (letter.diagnostics().containsKey(RETRIES)) {
            return Decisions.requeue(truncated, l -> l.diagnostics().withoutKeys(java.util.Set.of(RETRY_REQUESTED))
                    .and(RETRIES, retries(l) + 1));
        }
        return Decisions.enqueue(truncated, l -> MetaData.with(RETRIES, 0));
    }

    public static int retries(DeadLetter<?> letter) {
        Object retries = letter.diagnostics().get(RETRIES);
        return retries instanceof Number n ? n.intValue() : 0;
    }

    /** When the letter is next due for an automatic retry: at once when an operator asked for one. */
    public static Instant dueAt(DeadLetter<?> letter, ProcessingProperties properties) {
        if (Boolean.TRUE.equals(letter.diagnostics().get(RETRY_REQUESTED))) {
            return Instant.MIN;
        }
        return letter.lastTouched().plus(properties.retryBackoffAfter(retries(letter)));
    }

    /** The sequence an event belongs to, as the processors' per-aggregate sequencing policy assigns it. */
    public static String sequenceOf(EventMessage<?> event) {
        return event instanceof DomainEventMessage<?> domain ? domain.getAggregateIdentifier() : event.getIdentifier();
    }

    private static Throwable truncated(Throwable cause) {
        return ThrowableCause.truncated(cause, MAX_CAUSE_LENGTH);
    }
}
