package io.depot.platform.admin;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.processing.DeadLetters;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.DomainEventMessage;
import org.axonframework.eventhandling.EventMessage;
import org.axonframework.messaging.deadletter.DeadLetter;
import org.axonframework.messaging.deadletter.SequencedDeadLetterQueue;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

import static io.depot.platform.processing.DeadLetters.sequenceOf;

/**
 * Operators' view of the dead letters ({@code /v1/admin/dead-letters}, role {@code admin}): the events a processing
 * group could not handle after its attempts, per sequence (the file or upload they belong to), with their cause and
 * how often they were retried. A retry handles the sequence's letters in order and removes them as they succeed;
 * eviction drops a sequence for good. Dead letters are also retried on their own with a growing pause. A service that
 * does not run the group (the command service beside a workers deployable) hands the retry over: the sequence is
 * marked, and the next poll of a service that runs the group retries it.
 */
@RestController
public class DeadLetterAdminController {

    static final int MAX_LIMIT = 1000;

    private final EventProcessingConfiguration processing;
    private final ProcessingProperties properties;

    public DeadLetterAdminController(EventProcessingConfiguration processing, ProcessingProperties properties) {
        this.processing = processing;
        this.properties = properties;
    }

    /** One dead letter. */
    public record DeadLetterView(String group, String sequence, EventView event, CauseView cause, int retries,
                                 Instant enqueuedAt, Instant lastTouched, Instant nextRetryAt) {
    }

    /** The event a dead letter holds. */
    public record EventView(String id, String type, String aggregateId, Long aggregateSequence, Instant timestamp,
                            Object payload) {
    }

    /** Why the letter's last attempt failed. */
    public record CauseView(String type, String message) {
    }

    /** Dead letters of one or all groups, oldest sequence first within a group. */
    public record DeadLetterList(List<DeadLetterView> deadLetters, boolean truncated) {
    }

    /**
     * The outcome of a retry. {@code handedOver}: this service does not run the group, so the sequences were marked for
     * the next retry by a service that does (within {@code depot.processing.retry-poll-interval}).
     */
    public record RetryOutcome(String group, int sequencesHandled, int sequencesStillFailing, int handedOver,
                               long deadLettersLeft) {
    }

    @GetMapping("/v1/admin/dead-letters")
    Mono<DeadLetterList> list(@RequestParam(required = false) String group,
                              @RequestParam(defaultValue = "100") int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "limit must be between 1 and " + MAX_LIMIT);
        }
        List<String> groups = group == null ? properties.deadLettered() : List.of(known(group));
        return blocking(() -> {
            List<DeadLetterView> views = new ArrayList<>();
            for (String name : groups) {
                SequencedDeadLetterQueue<EventMessage<?>> queue = queue(name);
                for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                    for (DeadLetter<? extends EventMessage<?>> letter : sequence) {
                        if (views.size() == limit) {
                            return new DeadLetterList(views, true);
                        }
                        views.add(view(name, letter));
                    }
                }
            }
            return new DeadLetterList(views, false);
        });
    }

    @PostMapping("/v1/admin/dead-letters/{group}/{sequence}/retry")
    Mono<RetryOutcome> retry(@PathVariable String group, @PathVariable String sequence) {
        known(group);
        return blocking(() -> {
            SequencedDeadLetterQueue<EventMessage<?>> queue = queue(group);
            if (!queue.contains(sequence)) {
                throw new DepotException(ErrorCode.NOT_FOUND, "group " + group + " has no dead letters for " + sequence);
            }
            var processor = processing.sequencedDeadLetterProcessor(group);
            if (processor.isEmpty()) {
                handOver(queue, sequence);
                return new RetryOutcome(group, 0, 0, 1, queue.size());
            }
            boolean handled = processor.get().process(letter -> sequence.equals(sequenceOf(letter.message())));
            return new RetryOutcome(group, handled ? 1 : 0, handled ? 0 : 1, 0, queue.size());
        });
    }

    @PostMapping("/v1/admin/dead-letters/{group}/retry")
    Mono<RetryOutcome> retryAll(@PathVariable String group) {
        known(group);
        return blocking(() -> {
            SequencedDeadLetterQueue<EventMessage<?>> queue = queue(group);
            var processor = processing.sequencedDeadLetterProcessor(group);
            List<String> sequences = new ArrayList<>();
            for (Iterable<DeadLetter<? extends EventMessage<?>>> sequence : queue.deadLetters()) {
                for (DeadLetter<? extends EventMessage<?>> first : sequence) {
                    sequences.add(sequenceOf(first.message()));
                    break;
                }
            }
            if (processor.isEmpty()) {
                sequences.forEach(sequence -> handOver(queue, sequence));
                return new RetryOutcome(group, 0, 0, sequences.size(), queue.size());
            }
            int handled = 0;
            for (String sequence : sequences) {
                if (processor.get().process(letter -> sequence.equals(sequenceOf(letter.message())))) {
                    handled++;
                }
            }
            return new RetryOutcome(group, handled, sequences.size() - handled, 0, queue.size());
        });
    }

    @DeleteMapping("/v1/admin/dead-letters/{group}/{sequence}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    Mono<Void> evict(@PathVariable String group, @PathVariable String sequence) {
        known(group);
        return blocking(() -> {
            SequencedDeadLetterQueue<EventMessage<?>> queue = queue(group);
            if (!queue.contains(sequence)) {
                throw new DepotException(ErrorCode.NOT_FOUND, "group " + group + " has no dead letters for " + sequence);
            }
            for (DeadLetter<? extends EventMessage<?>> letter : queue.deadLetterSequence(sequence)) {
                queue.evict(letter);
            }
            return null;
        }).then();
    }

    private String known(String group) {
        if (!properties.deadLettered().contains(group)) {
            throw new DepotException(ErrorCode.NOT_FOUND, "processing group " + group + " has no dead-letter queue");
        }
        return group;
    }

    private SequencedDeadLetterQueue<EventMessage<?>> queue(String group) {
        return processing.deadLetterQueue(group).orElseThrow(() ->
                new DepotException(ErrorCode.NOT_FOUND, "processing group " + group + " has no dead-letter queue"));
    }

    /** Marks the sequence's first letter due at once, for the retrier of a service that runs the group. */
    private static void handOver(SequencedDeadLetterQueue<EventMessage<?>> queue, String sequence) {
        for (DeadLetter<? extends EventMessage<?>> first : queue.deadLetterSequence(sequence)) {
            queue.requeue(first, letter -> letter.withDiagnostics(letter.diagnostics().and(DeadLetters.RETRY_REQUESTED, true)));
            return;
        }
    }

    private DeadLetterView view(String group, DeadLetter<? extends EventMessage<?>> letter) {
        EventMessage<?> event = letter.message();
        DomainEventMessage<?> domain = event instanceof DomainEventMessage<?> d ? d : null;
        CauseView cause = letter.cause().map(c -> new CauseView(c.type(), c.message())).orElse(null);

        return new DeadLetterView(group, sequenceOf(event),
                new EventView(event.getIdentifier(), event.getPayloadType().getSimpleName(),
                        domain == null ? null : domain.getAggregateIdentifier(),
                        domain == null ? null : domain.getSequenceNumber(), event.getTimestamp(), event.getPayload()),
                cause, DeadLetters.retries(letter), letter.enqueuedAt(), letter.lastTouched(),
                DeadLetters.dueAt(letter, properties));
    }

    private static <T> Mono<T> blocking(Callable<T> work) {
        return Mono.fromCallable(work).subscribeOn(Schedulers.boundedElastic());
    }
}
