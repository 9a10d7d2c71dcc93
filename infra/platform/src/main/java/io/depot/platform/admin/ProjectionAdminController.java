package io.depot.platform.admin;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.StreamingEventProcessor;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;
import reactor.core.publisher.Mono;
import reactor.core.scheduler.Schedulers;

import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * Operators' view of the event processors this service runs ({@code /v1/admin/projections}, role {@code admin}):
 * where each stands against the head of the event store, and a replay that rebuilds a read model from the first
 * event. A replay resets the processor's tokens, which calls its reset handlers (the read model is emptied), and
 * the processor then catches up from zero; every handler is idempotent, so the result equals the original. Only the
 * projections ({@code depot.processing.replayable}) replay: sagas and workers act on storage, send commands and
 * schedule deadlines, and a replay would do all that again, so they answer 409.
 */
@RestController
public class ProjectionAdminController {

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final ProcessingProperties properties;

    public ProjectionAdminController(EventProcessingConfiguration processing, EventStore eventStore,
                                     ProcessingProperties properties) {
        this.processing = processing;
        this.eventStore = eventStore;
        this.properties = properties;
    }

    /** Where a processor stands. */
    public record ProcessorStatus(String name, long position, long head, boolean caughtUp, boolean replaying,
                                  boolean running, int segments) {
    }

    @GetMapping("/v1/admin/projections")
    Mono<List<ProcessorStatus>> all() {
        return Mono.fromCallable(() -> {
            long head = head();
            return streaming().entrySet().stream()
                    .map(e -> status(e.getKey(), e.getValue(), head))
                    .sorted(Comparator.comparing(ProcessorStatus::name))
                    .toList();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping("/v1/admin/projections/{name}")
    Mono<ProcessorStatus> one(@PathVariable String name) {
        return Mono.fromCallable(() -> status(name, processor(name), head())).subscribeOn(Schedulers.boundedElastic());
    }

    /** Rebuilds the processor's read model from the first event; answers at once, the replay runs on. */
    @PostMapping("/v1/admin/projections/{name}/replay")
    @ResponseStatus(HttpStatus.ACCEPTED)
    Mono<ProcessorStatus> replay(@PathVariable String name) {
        return Mono.fromCallable(() -> {
            StreamingEventProcessor processor = processor(name);
            if (!properties.replayable().contains(name)) {
                throw new DepotException(ErrorCode.REPLAY_REFUSED, "processing group " + name + " acts outside its own"
                        + " read model (storage, commands, deadlines); replaying it would repeat those effects. Only "
                        + String.join(", ", properties.replayable()) + " can be replayed");
            }
            if (!processor.supportsReset()) {
                throw new DepotException(ErrorCode.VALIDATION_FAILED, "processor " + name + " cannot be replayed");
            }
            processor.shutDown();
            processor.resetTokens();
            processor.start();
            return status(name, processor, head());
        }).subscribeOn(Schedulers.boundedElastic());
    }

    private Map<String, StreamingEventProcessor> streaming() {
        return processing.eventProcessors().entrySet().stream()
                .filter(e -> e.getValue() instanceof StreamingEventProcessor)
                .collect(java.util.stream.Collectors.toMap(Map.Entry::getKey, e -> (StreamingEventProcessor) e.getValue()));
    }

    private StreamingEventProcessor processor(String name) {
        StreamingEventProcessor processor = streaming().get(name);
        if (processor == null) {
            throw new DepotException(ErrorCode.NOT_FOUND, "this service runs no processor " + name);
        }
        return processor;
    }

    private long head() {
        var token = eventStore.createHeadToken();
        return token == null ? -1 : token.position().orElse(-1);
    }

    private static ProcessorStatus status(String name, StreamingEventProcessor processor, long head) {
        Map<Integer, EventTrackerStatus> segments = processor.processingStatus();
        long position = segments.values().stream()
                .mapToLong(s -> s.getCurrentPosition().orElse(-1)).min().orElse(-1);
        boolean caughtUp = !segments.isEmpty() && position >= head;
        // Axon keeps a replay token until an event past the reset point arrives; a replay that reached the head is done.
        boolean replaying = !caughtUp && segments.values().stream().anyMatch(EventTrackerStatus::isReplaying);
        return new ProcessorStatus(name, position, head, caughtUp, replaying, processor.isRunning(), segments.size());
    }
}
