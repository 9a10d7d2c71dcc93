package io.depot.command.upload;

import io.depot.platform.axon.Dispatch;
import io.depot.platform.limits.LimitsProperties;
import io.depot.platform.limits.RateLimitedException;
import io.depot.platform.limits.RateLimiter;
import io.depot.upload.ClaimUploadAllowanceCommand;
import io.depot.upload.ReleaseUploadAllowanceCommand;
import io.depot.upload.UploadAllowance;
import io.depot.upload.UploadAllowanceExceededException;
import org.axonframework.commandhandling.gateway.CommandGateway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Mono;

import java.time.Clock;
import java.time.Instant;

/**
 * A user's share of Depot, decided by their {@link UploadAllowance}: at most
 * {@code depot.limits.max-open-uploads-per-user} open upload sessions, and {@code depot.limits.daily-bytes-per-user}
 * bytes declared in initiated uploads per day. Off when {@code depot.limits.enabled} is false.
 */
@Component
class UploadAllowances {

    private static final Logger log = LoggerFactory.getLogger(UploadAllowances.class);

    private final CommandGateway commands;
    private final LimitsProperties limits;
    private final Clock clock;

    UploadAllowances(CommandGateway commands, ObjectProvider<LimitsProperties> limits, Clock clock) {
        this.commands = commands;
        LimitsProperties properties = limits.getIfAvailable();
        this.limits = properties != null && properties.enabled() ? properties : null;
        this.clock = clock;
    }

    /**
     * Claims a place for {@code uploadId}; answers whether this call made the claim (false when it was made before,
     * by a retried request, or when limits are off).
     */
    Mono<Boolean> claim(String ownerId, String uploadId, long bytes, Instant expiresAt) {
        if (limits == null) {
            return Mono.just(false);
        }
        return Dispatch.<Boolean>command(commands, new ClaimUploadAllowanceCommand(UploadAllowance.idOf(ownerId),
                        ownerId, uploadId, bytes, limits.maxOpenUploadsPerUser(), limits.dailyBytesPerUser().toBytes(),
                        clock.instant(), expiresAt))
                .onErrorMap(UploadAllowanceExceededException.class, e -> new RateLimitedException(e.code(),
                        e.getMessage(), new RateLimiter.Decision(false, e.limit(), e.remaining(), e.retryAfter(),
                        e.retryAfter())));
    }

    /**
     * Frees the place of an upload that ended, so that the owner can open another at once. The upload-allowance
     * release worker frees it too, from the upload's end event, should this fail or the process die first.
     */
    Mono<Void> release(String ownerId, String uploadId) {
        if (limits == null) {
            return Mono.empty();
        }
        return send(new ReleaseUploadAllowanceCommand(UploadAllowance.idOf(ownerId), ownerId, uploadId, null,
                clock.instant()));
    }

    /**
     * Gives back a claim whose upload was never opened, bytes included. Should that fail, the place frees itself when
     * the session would have expired.
     */
    Mono<Void> giveBack(String ownerId, String uploadId) {
        if (limits == null) {
            return Mono.empty();
        }
        return send(new ReleaseUploadAllowanceCommand(UploadAllowance.idOf(ownerId), ownerId, uploadId,
                limits.dailyBytesPerUser().toBytes(), clock.instant()));
    }

    private Mono<Void> send(ReleaseUploadAllowanceCommand command) {
        return Dispatch.command(commands, command)
                .onErrorResume(e -> {
                    log.warn("could not release the allowance claim of upload {}: {}", command.uploadId(), e.toString());
                    return Mono.empty();
                })
                .then();
    }
}
