package io.depot.platform.processing;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.time.Duration;
import java.util.List;

/**
 * How background processing runs, retries and dead-letters ({@code depot.processing.*}).
 * <p>
 * Retries and dead letters: a group named in {@code dead-lettered} tries a failing event {@code attempts} times, then
 * parks it, and retries it on its own with a growing pause ({@link DeadLetterRetrier}).
 * <p>
 * Segments: the projections named in {@code batched} run in one segment and take events in batches. Every other
 * tracking processor (the sagas and workers: background work that any number of instances may run) is split into
 * {@code worker-segments} segments, which the instances running it share: each claims the segments it has threads
 * for, and {@code SegmentBalancer} has an instance above its fair share give segments up to one below it.
 *
 * @param deadLettered         the processing groups with side effects outside their own read model (storage, clamd,
 *                             commands, the scheduler): a failing event is retried {@code attempts} times where it
 *                             failed, then dead-lettered, which holds back only the later events of its sequence
 *                             (its file or upload) while the rest of the group flows on
 * @param attempts             attempts at an event before it is dead-lettered
 * @param attemptBackoff       the pause after the first failed attempt; it doubles with each further one
 * @param retryBackoff         the pause before a dead letter is first retried automatically; it doubles with each
 *                             failed retry, up to {@code maxRetryBackoff}. Dead letters are retried until they succeed
 *                             or an operator evicts them
 * @param maxRetryBackoff      the longest pause between automatic retries of a dead letter
 * @param retryPollInterval    how often the dead letters are checked for a retry that is due
 * @param replayable           the processing groups that may be replayed: projections, whose handlers write only
 *                             their own read model. Any other group refuses a replay
 * @param commandTimeout       how long background work waits for a command it sent
 * @param batchSize            events per unit of work (one token write, one bulk write) of a batched projection
 * @param batched              the projections that run batched, in one segment
 * @param workerSegments       segments of every other processor, made with its first tokens; a token store that holds
 *                             fewer (made by an earlier version, or by an all-in-one with one segment) is split up to
 *                             this many while an instance runs the processor
 * @param workerThreads        threads per processor and instance; 0 for one more than there are segments, so that one
 *                             instance can take every segment over when the others are gone, and its processor keeps
 *                             the thread that looks for segments to claim (Axon's tracking processor turns that thread
 *                             into the last segment's, and loses it for good when another segment is let go at the
 *                             same moment). Fewer threads than segments leave segments unprocessed once too few
 *                             instances are left
 * @param claimInterval        how often a processor with an idle thread looks for segments that nobody holds
 * @param claimTimeout         how long a claim holds without being renewed: a killed instance's segments are taken
 *                             over after this. A processor renews its claims as each event starts and every second
 *                             while idle, not while one handler runs, so this must exceed the slowest handler (hashing
 *                             a large object) or another instance takes the segment and handles the same event again
 *                             (idempotently)
 * @param balanceInterval      how often an instance tells the others what it holds, and gives up segments above its
 *                             share
 */
@ConfigurationProperties("depot.processing")
public record ProcessingProperties(
        @DefaultValue({"version-verification", "malware-scan", "object-deletion", "upload-storage-release",
                "upload-allowance-release", "reconcile-repairs", "reconcile-launcher",
                "image-renditions", "video-renditions", "storage-class-moves",
                "archive-retrievals"}) List<String> deadLettered,
        @DefaultValue("3") int attempts,
        @DefaultValue("200ms") Duration attemptBackoff,
        @DefaultValue("5s") Duration retryBackoff,
        @DefaultValue("10m") Duration maxRetryBackoff,
        @DefaultValue("1s") Duration retryPollInterval,
        @DefaultValue({"files", "file-shares", "download-history", "object-records", "reconcile-reports", "upload-sessions",
                "file-renditions"}) List<String> replayable,
        @DefaultValue("2m") Duration commandTimeout,
        @DefaultValue("500") int batchSize,
        @DefaultValue({"files", "file-shares", "object-records", "reconcile-reports", "download-history", "upload-sessions"}) List<String> batched,
        @DefaultValue("4") int workerSegments,
        @DefaultValue("0") int workerThreads,
        @DefaultValue("5s") Duration claimInterval,
        @DefaultValue("10s") Duration claimTimeout,
        @DefaultValue("2s") Duration balanceInterval) {

    public ProcessingProperties {
        if (workerSegments < 1) {
            throw new IllegalArgumentException("depot.processing.worker-segments must be at least 1");
        }
        if (workerThreads < 0) {
            throw new IllegalArgumentException(
                    "depot.processing.worker-threads must be 0 (one more than segments) or more");
        }
    }

    /** The pause before automatic retry number {@code retries + 1} of a dead letter. */
    public Duration retryBackoffAfter(int retries) {
        Duration backoff = retryBackoff;
        for (int i = 0; i < retries && backoff.compareTo(maxRetryBackoff) < 0; i++) {
            backoff = backoff.multipliedBy(2);
        }
        return backoff.compareTo(maxRetryBackoff) > 0 ? maxRetryBackoff : backoff;
    }

    /** Threads per segmented processor in this instance. */
    public int threads() {
        return workerThreads > 0 ? workerThreads : workerSegments + 1;
    }

    /** Whether a processor runs batched, in one segment, rather than segmented. */
    public boolean isBatched(String processorName) {
        return batched.contains(processorName);
    }
}
