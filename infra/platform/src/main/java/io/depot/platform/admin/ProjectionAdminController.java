package io.depot.platform.admin;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.processing.ProcessingProperties;
import io.depot.platform.readmodel.Generations;
import io.depot.platform.readmodel.Rebuilds;
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
 * where each stands against the head of the event store, every segment's owner and position across the instances
 * (from the shared token store), and a replay that rebuilds a read model from the first event. A projection that takes
 * its collections from {@code ReadModelCollections} is rebuilt beside its live copy, which keeps answering until the
 * new one has caught up ({@link Rebuilds}); any other replayable one has its tokens reset, which empties it, and
 * catches up from zero. Every handler is idempotent, so the result equals the original. Only the projections
 * ({@code depot.processing.replayable}) replay: sagas and workers act on storage, send commands and schedule
 * deadlines, and a replay would do all that again, so they answer 409.
 */
@RestController
public class ProjectionAdminController {

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final ProcessingProperties properties;
    private final Rebuilds rebuilds;

    public ProjectionAdminController(EventProcessingConfiguration processing, EventStore eventStore,
                                     ProcessingProperties properties, Rebuilds rebuilds) {
        this.processing = processing;
        this.eventStore = eventStore;
        this.properties = properties;
        this.rebuilds = rebuilds;
    }

    /**
     * Where a processor stands. {@code replaying} is true while a rebuild runs; {@code generation} says which copy
     * of the read model reads use, and {@code rebuild} how far the next one has come.
     */
    public record ProcessorStatus(String name, long position, long head, boolean caughtUp, boolean replaying,
                                  boolean running, int segments, List<Rebuilds.SegmentPosition> instanceSegments,
                                  Rebuilds.Status generation) {
    }

    @GetMapping("/v1/admin/projections")
    Mono<List<ProcessorStatus>> all() {
        return Mono.fromCallable(() -> {
            long head = head();
            return streaming().entrySet().stream()
                    .map(e -> status(e.getKey(), head))
                    .sorted(Comparator.comparing(ProcessorStatus::name))
                    .toList();
        }).subscribeOn(Schedulers.boundedElastic());
    }

    @GetMapping("/v1/admin/projections/{name}")
    Mono<ProcessorStatus> one(@PathVariable String name) {
        return Mono.fromCallable(() -> status(name, head())).subscribeOn(Schedulers.boundedElastic());
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
            if (rebuilds.besideLive(name)) {
                rebuilds.start(name);
                return status(name, head());
            }
            if (!processor.supportsReset()) {
                throw new DepotException(ErrorCode.VALIDATION_FAILED, "processor " + name + " cannot be replayed");
            }
            processor.shutDown();
            processor.resetTokens();
            processor.start();
            return status(name, head());
        }).subscribeOn(Schedulers.boundedElastic());
    }

    /** This service's processors by processing group; a rebuilt projection's is the one of its live generation. */
    private Map<String, StreamingEventProcessor> streaming() {
        Map<String, StreamingEventProcessor> byGroup = new java.util.TreeMap<>();
        processing.eventProcessors().forEach((name, p) -> {
            String group = Generations.groupOf(name);
            rebuilds.liveProcessor(group).or(() -> java.util.Optional.of(p))
                    .filter(StreamingEventProcessor.class::isInstance)
                    .ifPresent(live -> byGroup.put(group, (StreamingEventProcessor) live));
        });
        return byGroup;
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

    private ProcessorStatus status(String name, long head) {
        StreamingEventProcessor processor = processor(name);
        Map<Integer, EventTrackerStatus> segments = processor.processingStatus();
        long position = segments.values().stream()
                .mapToLong(s -> s.getCurrentPosition().orElse(-1)).min().orElse(-1);
        Rebuilds.Status generation = rebuilds.status(name);
        boolean caughtUp = !segments.isEmpty() && position >= head && generation.rebuild() == null;
        // Axon keeps a replay token until an event past the reset point arrives; a replay that reached the head is done.
        boolean replaying = generation.rebuild() != null
                || !caughtUp && segments.values().stream().anyMatch(EventTrackerStatus::isReplaying);
        return new ProcessorStatus(name, position, head, caughtUp, replaying, processor.isRunning(), segments.size(),
                rebuilds.segments(processor.getName()), generation);
    }
}
