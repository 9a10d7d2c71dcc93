package io.depot.upload;

import io.depot.error.ErrorCode;
import org.axonframework.commandhandling.CommandHandler;
import org.axonframework.eventsourcing.EventSourcingHandler;
import org.axonframework.modelling.command.AggregateCreationPolicy;
import org.axonframework.modelling.command.AggregateIdentifier;
import org.axonframework.modelling.command.CreationPolicy;

import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

import static org.axonframework.modelling.command.AggregateLifecycle.apply;

/**
 * A user's share of Depot's uploads: how many sessions they have open, and how much of their daily byte quota is
 * left. Both are decided here, where claims are made one after another, so initiates racing on any number of
 * instances cannot pass the cap together (the loser of an append race retries on fresh state).
 * <p>
 * A claim stays open until its upload completes or aborts, or at the latest until the session's expiry: a release
 * that never came (an initiate whose session was never opened, a lost release) stops counting then, so the count
 * repairs itself. The daily quota is a bucket of KiB that refills evenly over a day; bytes of a completed or aborted
 * upload stay counted for the day, since they were sent, and only an initiate that failed gives its bytes back.
 */
public class UploadAllowance {

    private static final long DAY_MILLIS = Duration.ofDays(1).toMillis();
    /** When an open upload may end is unknowable; a client is told to look again in a minute. */
    private static final Duration OPEN_UPLOADS_RETRY = Duration.ofMinutes(1);

    @AggregateIdentifier
    private String allowanceId;
    private Map<String, Claim> open = new HashMap<>();
    private long quotaLeftKib;
    /** When {@link #quotaLeftKib} was last set; null while the bucket is full. */
    private Instant quotaAt;

    protected UploadAllowance() {
    }

    /** The allowance of {@code ownerId}, whose id cannot meet an upload's or a file's. */
    public static String idOf(String ownerId) {
        return "upload-allowance:" + ownerId;
    }

    /** KiB, rounded up: the quota counts KiB, so that even a quota of petabytes refills at a rate a bucket holds. */
    public static long kib(long bytes) {
        return Math.max(1, (bytes + 1023) / 1024);
    }

    @CommandHandler
    @CreationPolicy(AggregateCreationPolicy.CREATE_IF_MISSING)
    public boolean handle(ClaimUploadAllowanceCommand command) {
        Instant now = command.claimedAt();
        Claim earlier = open.get(command.uploadId());
        if (earlier != null) {
            return earlier.kib() < kib(command.bytes()) && grow(command, earlier);
        }
        long openNow = open.values().stream().filter(claim -> claim.expiresAt().isAfter(now)).count();
        if (openNow >= command.maxOpenUploads()) {
            throw new UploadAllowanceExceededException(ErrorCode.TOO_MANY_OPEN_UPLOADS, command.ownerId() + " has "
                    + openNow + " open uploads, the most allowed is " + command.maxOpenUploads()
                    + "; complete or abort one first", command.maxOpenUploads(), 0, OPEN_UPLOADS_RETRY);
        }
        long capacity = kib(command.dailyBytes());
        long need = kib(command.bytes());
        if (need > capacity) {
            throw new UploadAllowanceExceededException(ErrorCode.QUOTA_EXCEEDED, "an upload of " + command.bytes()
                    + " bytes is larger than the daily quota of " + command.dailyBytes() + " bytes", capacity,
                    quotaLeft(capacity, now), Duration.ofMillis(DAY_MILLIS));
        }
        long left = quotaLeft(capacity, now);
        if (need > left) {
            long wait = (long) Math.ceil((double) (need - left) * DAY_MILLIS / capacity);
            throw new UploadAllowanceExceededException(ErrorCode.QUOTA_EXCEEDED, command.ownerId() + " may upload "
                    + left + " more KiB today; this upload declares " + need + " KiB", capacity, left,
                    Duration.ofMillis(wait));
        }
        apply(new UploadAllowanceClaimedEvent(command.allowanceId(), command.ownerId(), command.uploadId(), need,
                left - need, now, command.expiresAt()));
        return true;
    }

    /**
     * An upload whose length was declared after it opened (tus's defer-length) claims the rest of its bytes: its place
     * is taken already; only the quota is checked.
     */
    private boolean grow(ClaimUploadAllowanceCommand command, Claim earlier) {
        Instant now = command.claimedAt();
        long capacity = kib(command.dailyBytes());
        long need = kib(command.bytes());
        long left = quotaLeft(capacity, now);
        if (need > capacity || need - earlier.kib() > left) {
            throw new UploadAllowanceExceededException(ErrorCode.QUOTA_EXCEEDED, command.ownerId() + " may upload "
                    + left + " more KiB today; this upload's length needs " + (need - earlier.kib()) + " KiB more",
                    capacity, left, Duration.ofMillis(DAY_MILLIS));
        }
        apply(new UploadAllowanceClaimedEvent(command.allowanceId(), command.ownerId(), command.uploadId(), need,
                left - (need - earlier.kib()), now, earlier.expiresAt()));
        return true;
    }

    @CommandHandler
    public void handle(ReleaseUploadAllowanceCommand command) {
        Claim claim = open.get(command.uploadId());
        if (claim == null) {
            return;
        }
        Long refunded = command.refundDailyBytes() == null ? null
                : Math.min(kib(command.refundDailyBytes()),
                quotaLeft(kib(command.refundDailyBytes()), command.releasedAt()) + claim.kib());
        apply(new UploadAllowanceReleasedEvent(allowanceId, command.ownerId(), command.uploadId(), refunded,
                command.releasedAt()));
    }

    /** The KiB left at {@code now}: what was left when last set, plus the refill since. */
    private long quotaLeft(long capacity, Instant now) {
        if (quotaAt == null) {
            return capacity;
        }
        long elapsed = Math.max(0, now.toEpochMilli() - quotaAt.toEpochMilli());
        return (long) Math.min(capacity, quotaLeftKib + (double) elapsed / DAY_MILLIS * capacity);
    }

    @EventSourcingHandler
    void on(UploadAllowanceClaimedEvent event) {
        allowanceId = event.allowanceId();
        // Claims past their session's expiry count no more, whether or not their release came.
        open.values().removeIf(claim -> !claim.expiresAt().isAfter(event.claimedAt()));
        open.put(event.uploadId(), new Claim(event.kib(), event.expiresAt()));
        quotaLeftKib = event.quotaLeftKib();
        quotaAt = event.claimedAt();
    }

    @EventSourcingHandler
    void on(UploadAllowanceReleasedEvent event) {
        open.remove(event.uploadId());
        if (event.quotaLeftKib() != null) {
            quotaLeftKib = event.quotaLeftKib();
            quotaAt = event.releasedAt();
        }
    }

    /** An open upload's claim: the KiB it took and when its session expires. */
    record Claim(long kib, Instant expiresAt) {
    }
}
