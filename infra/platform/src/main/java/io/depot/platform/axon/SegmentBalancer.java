package io.depot.platform.axon;

import com.mongodb.MongoWriteException;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.ReplaceOptions;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.depot.platform.processing.ProcessingProperties;
import org.axonframework.config.EventProcessingConfiguration;
import org.axonframework.eventhandling.EventTrackerStatus;
import org.axonframework.eventhandling.Segment;
import org.axonframework.eventhandling.TrackingEventProcessor;
import org.axonframework.eventhandling.tokenstore.TokenStore;
import org.bson.Document;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Shares the segments of the segmented processors (sagas and workers) among the instances that run them. A tracking
 * processor claims every segment nobody holds for which it has a thread, and it has a thread for each, so that a
 * lone survivor can take them all over: left alone, the first instance to start would keep every segment. So every
 * {@code depot.processing.balance-interval} each instance writes what it holds of each processor, and how many more
 * it could take, to the MongoDB collection {@value #COLLECTION}; one that holds more than its fair share (segments
 * divided by instances, rounded up) while another could take more gives the surplus up for a few claim intervals,
 * and the other claims it. An instance that stops writing counts no more once its record is older than the claim
 * timeout, when its claims have expired too and the others take its segments. A token store that holds fewer
 * segments than {@code depot.processing.worker-segments} (made by an earlier version, or by an all-in-one) is split,
 * its widest segment by the instance that holds it, one per round, until it holds that many; each round is taken by
 * one instance in MongoDB ({@link #claimSplit}).
 */
final class SegmentBalancer implements SmartLifecycle {

    static final String COLLECTION = "processingNodes";
    /** The records of split rounds in {@value #COLLECTION}, one per processor: this prefix and its name. */
    static final String SPLIT_ROUND = "split-round:";
    private static final Duration RELEASE_AT_LEAST = Duration.ofSeconds(5);
    private static final Logger log = LoggerFactory.getLogger(SegmentBalancer.class);

    private final EventProcessingConfiguration processing;
    private final TokenStore tokens;
    private final MongoCollection<Document> nodes;
    private final ProcessingProperties properties;
    private final String node;
    private final Map<String, Split> splits = new ConcurrentHashMap<>();
    /** Segments given up, by processor and segment, until when this instance will not claim them again. */
    private final Map<String, Long> released = new ConcurrentHashMap<>();
    private ScheduledExecutorService timer;
    private volatile boolean failing;
    /** Processors whose balancing failed in the last round, so that a lasting failure is logged once. */
    private final Set<String> failingProcessors = ConcurrentHashMap.newKeySet();

    SegmentBalancer(EventProcessingConfiguration processing, TokenStore tokens, MongoCollection<Document> nodes,
                    ProcessingProperties properties, String node) {
        this.processing = processing;
        this.tokens = tokens;
        this.nodes = nodes;
        this.properties = properties;
        this.node = node;
    }

    /** A split this instance asked of a processor, in the round that starts from {@code segments}. */
    private record Split(int segments, CompletableFuture<Boolean> done) {
    }

    /** What one instance holds of a processor's segments, and how many more it has threads for. */
    record Holding(int held, int free) {
    }

    /**
     * How many segments an instance holding {@code mine} should give up: what it holds above its fair share, as far
     * as the {@code others} running the processor are below theirs and have threads to take them.
     */
    static int surplus(int segments, Holding mine, Collection<Holding> others) {
        int instances = others.size() + 1;
        int fair = (segments + instances - 1) / instances;
        if (mine.held() <= fair) {
            return 0;
        }
        int room = others.stream().mapToInt(o -> Math.max(0, Math.min(fair - o.held(), o.free()))).sum();
        return Math.min(mine.held() - fair, room);
    }

    /**
     * The segment to split next, if this instance holds it: the widest of all (the lowest id among equals), so that
     * one instance splits at a time and the segments end equal.
     */
    static Optional<Integer> toSplit(int[] segmentIds, Set<Integer> held) {
        return Arrays.stream(Segment.computeSegments(segmentIds))
                .min(Comparator.comparingInt(Segment::getMask).thenComparingInt(Segment::getSegmentId))
                .map(Segment::getSegmentId)
                .filter(held::contains);
    }

    @Override
    public synchronized void start() {
        long interval = properties.balanceInterval().toMillis();
        timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, "segment-balancer");
            thread.setDaemon(true);
            return thread;
        });
        timer.scheduleWithFixedDelay(this::balance, interval, interval, TimeUnit.MILLISECONDS);
    }

    @Override
    public synchronized void stop() {
        if (timer == null) {
            return;
        }
        timer.shutdownNow();
        timer = null;
        try {
            // Gone at once for the others, rather than after the claim timeout: its processors release their claims.
            nodes.deleteOne(Filters.eq("_id", node));
        } catch (RuntimeException e) {
            log.debug("could not remove this instance's processing record", e);
        }
    }

    @Override
    public synchronized boolean isRunning() {
        return timer != null;
    }

    void balance() {
        try {
            Map<String, TrackingEventProcessor> mine = segmentedProcessors();
            if (mine.isEmpty()) {
                return;
            }
            long now = System.currentTimeMillis();
            List<Document> held = new ArrayList<>();
            mine.forEach((name, processor) -> held.add(new Document("name", name)
                    .append("held", keeping(name, processor).size())
                    .append("free", processor.availableProcessorThreads())));
            nodes.replaceOne(Filters.eq("_id", node), new Document("_id", node).append("seenAt", now)
                    .append("processors", held), new ReplaceOptions().upsert(true));
            List<Document> live = nodes.find(Filters.and(Filters.ne("_id", node),
                    Filters.gt("seenAt", now - properties.claimTimeout().toMillis()))).into(new ArrayList<>());
            mine.forEach((name, processor) -> {
                try {
                    balance(name, processor, others(live, name));
                    if (failingProcessors.remove(name)) {
                        log.info("balancing {} works again", name);
                    }
                } catch (RuntimeException e) {
                    // One processor's failure leaves the others balanced.
                    if (failingProcessors.add(name)) {
                        log.warn("balancing {} failed, it keeps the segments it holds: {}", name, e.toString());
                    } else {
                        log.debug("balancing {} still failing", name, e);
                    }
                }
            });
            if (failing) {
                log.info("segment balancing works again");
                failing = false;
            }
        } catch (RuntimeException e) {
            if (!failing) {
                log.warn("segment balancing failed, processors keep the segments they hold: {}", e.toString());
                failing = true;
            } else {
                log.debug("segment balancing still failing", e);
            }
        }
    }

    private Map<String, TrackingEventProcessor> segmentedProcessors() {
        Map<String, TrackingEventProcessor> found = new TreeMap<>();
        processing.eventProcessors().forEach((name, processor) -> {
            if (processor instanceof TrackingEventProcessor tracking && tracking.isRunning()
                    && !properties.isBatched(name)) {
                found.put(name, tracking);
            }
        });
        return found;
    }

    private static List<Holding> others(List<Document> live, String processorName) {
        List<Holding> others = new ArrayList<>();
        for (Document other : live) {
            for (Document processor : other.getList("processors", Document.class, List.of())) {
                if (processorName.equals(processor.getString("name"))) {
                    others.add(new Holding(processor.getInteger("held", 0), processor.getInteger("free", 0)));
                }
            }
        }
        return others;
    }

    private void balance(String name, TrackingEventProcessor processor, List<Holding> others) {
        int[] ids = tokens.fetchSegments(name);
        int segments = ids.length;
        Map<Integer, EventTrackerStatus> status = processor.processingStatus();
        if (segments == 0 || status.isEmpty()) {
            return;
        }
        if (segments < properties.workerSegments()) {
            Split pending = splits.get(name);
            if (pending != null) {
                if (!pending.done().isDone()) {
                    return; // a segment's thread carries a split out between two batches: one at a time
                }
                splits.remove(name);
                boolean carriedOut = pending.done().handle((split, e) -> split != null && split).join();
                if (!carriedOut && pending.segments() == segments) {
                    // Not carried out: the segment's thread had let it go (a split or a release ends the thread, and
                    // the segment is claimed again by a new one). The round is given back, to be taken again now
                    // rather than after the claim timeout.
                    log.info("{}: the split of {} segments was not carried out; asking again", name, segments);
                    releaseSplit(name, segments);
                }
            }
            toSplit(ids, status.keySet()).filter(segment -> claimSplit(name, segments)).ifPresent(segment -> {
                log.info("{} has {} segments of {}: splitting segment {}", name, segments,
                        properties.workerSegments(), segment);
                splits.put(name, new Split(segments, processor.splitSegment(segment)));
            });
            return;
        }
        Set<Integer> keeping = keeping(name, processor);
        int surplus = surplus(segments, new Holding(keeping.size(), processor.availableProcessorThreads()), others);
        if (surplus == 0) {
            return;
        }
        List<Integer> release = keeping.stream().sorted(Comparator.reverseOrder()).limit(surplus).toList();
        // A segment's thread sees that it was given up between two batches, waiting up to a second for events when
        // idle: given up for less, it may never notice. Then the other instance needs a claim interval to take it.
        long releaseFor = Math.max(RELEASE_AT_LEAST.toMillis(),
                3 * Math.max(properties.claimInterval().toMillis(), properties.balanceInterval().toMillis()));
        log.info("{}: gives up segments {} for another instance to claim (holds {} of {}, {} other instances)",
                name, release, keeping.size(), segments, others.size());
        long until = System.currentTimeMillis() + releaseFor;
        release.forEach(segment -> {
            released.put(name + "/" + segment, until);
            processor.releaseSegment(segment, releaseFor, TimeUnit.MILLISECONDS);
        });
    }

    /**
     * The one right to split the processor's segments while they number {@code segments}. Two instances may each
     * read the segments before the other's split lands, and each then find a segment of its own the widest: a split
     * decided on such a stale view is carried out on the fresh one, and splits a segment that is already as narrow as
     * it should be (five segments where four were wanted). So each split takes a round, numbered by the segments it
     * starts from, in one conditional write to MongoDB: one instance per round, and only a round that nobody took, or
     * whose taker died before splitting (a claim timeout ago), can be taken.
     */
    private boolean claimSplit(String name, int segments) {
        long now = System.currentTimeMillis();
        try {
            var result = nodes.updateOne(Filters.and(Filters.eq("_id", SPLIT_ROUND + name),
                            Filters.or(Filters.lt("round", segments),
                                    Filters.lt("at", now - properties.claimTimeout().toMillis()))),
                    Updates.combine(Updates.set("round", segments), Updates.set("at", now), Updates.set("by", node)),
                    new UpdateOptions().upsert(true));
            return result.getModifiedCount() > 0 || result.getUpsertedId() != null;
        } catch (MongoWriteException taken) {
            // The round's record exists and did not match: another instance took this round.
            return false;
        }
    }

    /** Gives back this instance's round of splitting from {@code segments}, so that it can be taken again at once. */
    private void releaseSplit(String name, int segments) {
        nodes.updateOne(Filters.and(Filters.eq("_id", SPLIT_ROUND + name), Filters.eq("round", segments),
                Filters.eq("by", node)), Updates.set("at", 0L));
    }

    /**
     * The segments the processor holds and keeps: one given up stays in its status until its thread finishes the
     * batch at hand, and is not counted, nor given up again.
     */
    private Set<Integer> keeping(String name, TrackingEventProcessor processor) {
        long now = System.currentTimeMillis();
        released.values().removeIf(until -> until <= now);
        Set<Integer> keeping = new TreeSet<>(processor.processingStatus().keySet());
        keeping.removeIf(segment -> released.containsKey(name + "/" + segment));
        return keeping;
    }
}
