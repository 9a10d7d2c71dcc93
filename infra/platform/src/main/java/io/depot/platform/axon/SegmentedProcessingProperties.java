package io.depot.platform.axon;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * How Depot's event processors run ({@code depot.processing.*}). The projections named in {@code batched} run in
 * one segment and take events in batches. Every other tracking processor (the sagas and workers: background work
 * that any number of instances may run) is split into {@code worker-segments} segments, which the instances running
 * it share: each claims the segments it has threads for, and {@link SegmentBalancer} has an instance above its fair
 * share give segments up to one below it.
 *
 * @param batchSize       events per unit of work (one token write, one bulk write) of a batched projection
 * @param batched         the projections that run batched, in one segment
 * @param workerSegments  segments of every other processor, made with its first tokens; a token store that holds
 *                        fewer (made by an earlier version, or by an all-in-one with one segment) is split up to this
 *                        many while an instance runs the processor
 * @param workerThreads   threads per processor and instance; 0 for as many as there are segments, so that one
 *                        instance can take every segment over when the others are gone. Fewer threads than segments
 *                        leave segments unprocessed once too few instances are left
 * @param claimInterval   how often a processor with an idle thread looks for segments that nobody holds
 * @param claimTimeout    how long a claim holds without being renewed: a killed instance's segments are taken over
 *                        after this. A processor renews its claims as each event starts and every second while idle,
 *                        not while one handler runs, so this must exceed the slowest handler (hashing a large object)
 *                        or another instance takes the segment and handles the same event again (idempotently)
 * @param balanceInterval how often an instance tells the others what it holds, and gives up segments above its share
 */
@ConfigurationProperties("depot.processing")
public record SegmentedProcessingProperties(
        @DefaultValue("500") int batchSize,
        @DefaultValue({"files", "object-records", "reconcile-reports", "download-history", "upload-sessions"}) List<String> batched,
        @DefaultValue("4") int workerSegments,
        @DefaultValue("0") int workerThreads,
        @DefaultValue("5s") Duration claimInterval,
        @DefaultValue("10s") Duration claimTimeout,
        @DefaultValue("2s") Duration balanceInterval) {

    public SegmentedProcessingProperties {
        if (workerSegments < 1) {
            throw new IllegalArgumentException("depot.processing.worker-segments must be at least 1");
        }
        if (workerThreads < 0) {
            throw new IllegalArgumentException("depot.processing.worker-threads must be 0 (one per segment) or more");
        }
    }

    /** Threads per segmented processor in this instance. */
    int threads() {
        return workerThreads > 0 ? workerThreads : workerSegments;
    }

    /** Whether a processor runs batched, in one segment, rather than segmented. */
    boolean isBatched(String processorName) {
        return batched.contains(processorName);
    }
}
