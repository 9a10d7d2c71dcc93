package io.depot.platform.readmodel;

import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.common.transaction.TransactionManager;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.AbstractEventProcessor;
import org.axonframework.eventhandling.EventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.TrackingEventProcessorConfiguration;
import org.axonframework.eventhandling.TrackingToken;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.axonframework.eventsourcing.eventstore.EventStore;
import org.axonframework.serialization.Serializer;
import org.axonframework.serialization.SimpleSerializedObject;
import org.bson.Document;
import org.bson.types.Binary;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Rebuilds a read model beside the live one, so reads never go empty. A rebuild starts generation N + 1 in the
 * group's pointer ({@link Generations}), creates its collections with their indexes, and every instance that runs
 * the projection runs a second tracking processor, {@code <group>@gN+1}, from the first event into them, sharing its
 * token and claim like any processor, while the live processor keeps the live copy current. Once the new copy's
 * token has kept up with the head of the event store for {@code settle}, one instance switches the pointer (see
 * {@link #switchTo}): reads move to the new copy (this instance at once, the others within {@code pointerTtl}). The old copy keeps being written for
 * {@code switchGrace}, so an instance that has not moved yet still answers from a current copy; then every instance
 * stops its old processor, and one deletes its tokens and drops its collections. After a restart the projection's own
 * processor is named for the live generation (see {@code ReadModelAutoConfiguration}).
 */
public final class Rebuilds implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(Rebuilds.class);

    /** Where one segment of a processor stands, as its token in the shared store says, whichever instance holds it. */
    public record SegmentPosition(int segment, String owner, long position) {
    }

    /** How far a rebuild has come. */
    public record Progress(int generation, String processor, long position, long head, double eventsPerSecond,
                           Long secondsLeft, Instant startedAt, List<SegmentPosition> segments) {
    }

    /** Which copy of a read model reads use, and what is being built or retired beside it. */
    public record Status(int liveGeneration, String liveProcessor, Integer retiringGeneration, Progress rebuild) {
    }

    private final EventProcessingConfiguration processing;
    private final EventStore eventStore;
    private final TokenStore tokenStore;
    private final TransactionManager transactions;
    private final MongoCollection<Document> tokens;
    private final Serializer serializer;
    private final Generations generations;
    private final ReadModelCollections collections;
    private final ProcessingProperties processingProperties;
    private final ReadModelProperties properties;
    private final Clock clock;
    private final Map<String, TrackingEventProcessor> started = new ConcurrentHashMap<>();
    private final Map<String, Instant> levelSince = new ConcurrentHashMap<>();
    private final Map<String, Long> lastHead = new ConcurrentHashMap<>();
    private volatile ScheduledExecutorService watcher;

    Rebuilds(EventProcessingConfiguration processing, EventStore eventStore, TokenStore tokenStore,
             TransactionManager transactions, MongoCollection<Document> tokens, Serializer serializer,
             Generations generations, ReadModelCollections collections, ProcessingProperties processingProperties,
             ReadModelProperties properties, Clock clock) {
        this.processing = processing;
        this.eventStore = eventStore;
        this.tokenStore = tokenStore;
        this.transactions = transactions;
        this.tokens = tokens;
        this.serializer = serializer;
        this.generations = generations;
        this.collections = collections;
        this.processingProperties = processingProperties;
        this.properties = properties;
        this.clock = clock;
    }

    /** Whether the group's projection takes its collections from {@link ReadModelCollections}, so can be built beside. */
    public boolean besideLive(String group) {
        return collections.knows(group);
    }

    /** Starts building the next generation of {@code group}; refused while a rebuild of it is building or retiring. */
    public Status start(String group) {
        Generations.Pointer pointer = generations.startBuilding(group).orElseThrow(() -> new DepotException(
                ErrorCode.REPLAY_REFUSED, "a rebuild of " + group + " is still running or retiring its old copy"));
        collections.prepare(group, pointer.building());
        generations.ready(group, pointer.building());
        ensureRunning(group, pointer.building());
        return status(group);
    }

    public Status status(String group) {
        Generations.Pointer pointer = generations.pointer(group);
        Progress progress = null;
        if (pointer.building() != null) {
            long head = head();
            String name = Generations.processorName(group, pointer.building());
            List<SegmentPosition> segments = segments(name);
            long position = position(name);
            Instant since = pointer.buildingSince() == null ? clock.instant() : pointer.buildingSince();
            double seconds = Math.max(0.001, Duration.between(since, clock.instant()).toMillis() / 1000.0);
            double rate = Math.max(0, position + 1) / seconds;
            Long left = rate > 0 ? Math.max(0, Math.round((head - position) / rate)) : null;
            progress = new Progress(pointer.building(), name, position, head, Math.round(rate * 10) / 10.0, left,
                    pointer.buildingSince(), segments);
        }
        return new Status(pointer.live(), Generations.processorName(group, pointer.live()), pointer.retiring(), progress);
    }

    /** Every segment of a processor with its owner and position, from the token store every instance shares. */
    public List<SegmentPosition> segments(String processorName) {
        List<SegmentPosition> segments = new ArrayList<>();
        tokens.find(Filters.eq("processorName", processorName)).sort(new Document("segment", 1)).forEach(d ->
                segments.add(new SegmentPosition(d.getInteger("segment"), d.getString("owner"), position(d))));
        return segments;
    }

    /** The processor that keeps the live copy of {@code group} on this instance, if this instance runs the group. */
    public Optional<EventProcessor> liveProcessor(String group) {
        String name = Generations.processorName(group, generations.pointer(group).live());
        return Optional.<EventProcessor>ofNullable(started.get(name)).or(() -> processing.eventProcessor(name));
    }

    long head() {
        TrackingToken head = eventStore.createHeadToken();
        return head == null ? -1 : head.position().orElse(-1);
    }

    private long position(Document token) {
        Object data = token.get("token");
        if (data == null) {
            return -1;
        }
        byte[] bytes = data instanceof Binary binary ? binary.getData() : (byte[]) data;
        TrackingToken trackingToken = serializer.deserialize(
                new SimpleSerializedObject<>(bytes, byte[].class, token.getString("tokenType"), null));
        return trackingToken == null ? -1 : trackingToken.position().orElse(-1);
    }

    private static long position(List<SegmentPosition> segments) {
        return segments.stream().mapToLong(SegmentPosition::position).min().orElse(-1);
    }

    /**
     * Where a processor stands: as this instance runs it when it holds its segments, else as its tokens say. A token
     * moves with every batch the processor handles, but past events it has no handler for only now and then, so a
     * read model that few events touch looks behind in the token store while it is level.
     */
    private long position(String processorName) {
        Optional<EventProcessor> local = Optional.<EventProcessor>ofNullable(started.get(processorName))
                .or(() -> processing.eventProcessor(processorName));
        var status = local.filter(TrackingEventProcessor.class::isInstance)
                .map(p -> ((TrackingEventProcessor) p).processingStatus()).orElse(Map.of());
        if (!status.isEmpty()) {
            return status.values().stream().mapToLong(s -> s.getCurrentPosition().orElse(-1)).min().orElse(-1);
        }
        return position(segments(processorName));
    }

    void watch() {
        for (String group : generations.groups()) {
            try {
                watch(group);
            } catch (RuntimeException e) {
                log.warn("Read model generations of {}: {}", group, e.toString());
            }
        }
    }

    private void watch(String group) {
        if (processing.eventProcessorByProcessingGroup(group).isEmpty()) {
            return;
        }
        Generations.Pointer pointer = generations.pointer(group);
        Instant now = clock.instant();
        if (pointer.building() != null && pointer.buildingSince() != null) {
            ensureRunning(group, pointer.building());
            // Keeping up: the new copy has everything the store held one look ago. Switch once it has kept up for settle.
            long head = head();
            Long previousHead = lastHead.put(group, head);
            String building = Generations.processorName(group, pointer.building());
            if (previousHead != null && position(building) >= previousHead) {
                Instant since = levelSince.computeIfAbsent(group, g -> now);
                if (!since.plus(properties.settle()).isAfter(now) && switchTo(group, pointer, building)) {
                    levelSince.remove(group);
                    log.info("Read model {} switched to generation {}", group, pointer.building());
                }
            } else {
                levelSince.remove(group);
            }
        }
        if (pointer.retiring() != null && !now.isBefore(pointer.retireAt())) {
            String retiring = Generations.processorName(group, pointer.retiring());
            stop(retiring);
            // Dropped once every instance has stopped writing it: a processor still running would create it again.
            if (!now.isBefore(pointer.retireAt().plus(properties.watchInterval().multipliedBy(4)))) {
                tokens.deleteMany(Filters.eq("processorName", retiring));
                collections.drop(group, pointer.retiring());
                if (generations.retired(group, pointer.retiring())) {
                    log.info("Read model {} dropped generation {}", group, pointer.retiring());
                }
            }
        }
    }

    /**
     * Switches reads once the new copy holds at least what the old one does, so a reader of this instance never gets
     * an older answer after the switch than before it: the old processor of this instance pauses (its copy still
     * answers), the new copy catches up with where it stopped, the pointer moves, and the old processor resumes, for
     * the instances that have not moved yet.
     */
    private boolean switchTo(String group, Generations.Pointer pointer, String building) {
        String liveName = Generations.processorName(group, pointer.live());
        Optional<EventProcessor> old = liveProcessor(group).filter(EventProcessor::isRunning);
        old.ifPresent(EventProcessor::shutDown);
        try {
            long oldPosition = position(segments(liveName));
            Instant deadline = clock.instant().plus(properties.settle());
            while (position(building) < oldPosition) {
                if (clock.instant().isAfter(deadline)) {
                    return false;
                }
                Thread.sleep(10);
            }
            return generations.switchTo(group, pointer.building(), clock.instant().plus(properties.switchGrace()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            old.ifPresent(EventProcessor::start);
        }
    }

    private void ensureRunning(String group, int generation) {
        String name = Generations.processorName(group, generation);
        if (processing.eventProcessor(name).isPresent()) {
            return;
        }
        started.computeIfAbsent(name, n -> {
            TrackingEventProcessor processor = build(group, n);
            processor.start();
            return processor;
        });
    }

    /** A processor of the same handlers as the group's own, writing generation {@code name} names, with its own token. */
    private TrackingEventProcessor build(String group, String name) {
        AbstractEventProcessor own = (AbstractEventProcessor) processing.eventProcessorByProcessingGroup(group)
                .orElseThrow(() -> new IllegalStateException("this instance runs no processor of " + group));
        TrackingEventProcessorConfiguration configuration = processingProperties.isBatched(group)
                ? TrackingEventProcessorConfiguration.forSingleThreadedProcessing()
                .andBatchSize(processingProperties.batchSize())
                : TrackingEventProcessorConfiguration.forSingleThreadedProcessing();
        TrackingEventProcessor processor = TrackingEventProcessor.builder()
                .name(name)
                .eventHandlerInvoker(own.eventHandlerInvoker())
                .messageSource(eventStore)
                .tokenStore(tokenStore)
                .transactionManager(transactions)
                .trackingEventProcessorConfiguration(configuration)
                .build();
        processor.registerHandlerInterceptor(new GenerationBinding(name));
        // The interceptors Depot gave the group's processor, not those Axon's processor made for itself (by its name).
        own.getHandlerInterceptors().stream()
                .filter(i -> !(i instanceof GenerationBinding) && !i.getClass().getName().startsWith("org.axonframework."))
                .forEach(processor::registerHandlerInterceptor);
        return processor;
    }

    private void stop(String name) {
        TrackingEventProcessor mine = started.remove(name);
        if (mine != null) {
            mine.shutDown();
        }
        processing.eventProcessor(name).filter(EventProcessor::isRunning).ifPresent(EventProcessor::shutDown);
    }

    @Override
    public void start() {
        ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "read-model-generations");
            thread.setDaemon(true);
            return thread;
        });
        long interval = properties.watchInterval().toMillis();
        executor.scheduleWithFixedDelay(this::watch, interval, interval, TimeUnit.MILLISECONDS);
        watcher = executor;
    }

    @Override
    public void stop() {
        ScheduledExecutorService executor = watcher;
        watcher = null;
        if (executor != null) {
            executor.shutdownNow();
        }
        started.values().forEach(TrackingEventProcessor::shutDown);
        started.clear();
    }

    @Override
    public boolean isRunning() {
        return watcher != null;
    }
}
