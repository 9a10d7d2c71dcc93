package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Claims a place for a new upload in its owner's allowance: one of {@code maxOpenUploads} open sessions, and
 * {@code bytes} of a daily quota of {@code dailyBytes}. Claiming the same upload again claims nothing more and
 * answers false; a first claim answers true.
 *
 * @param allowanceId    {@link UploadAllowance#idOf} the owner
 * @param ownerId        the user who uploads
 * @param uploadId       the session the claim is for
 * @param bytes          the upload's declared size
 * @param maxOpenUploads how many sessions the owner may have open at once
 * @param dailyBytes     how many bytes the owner may declare per day
 * @param claimedAt      when the claim is made
 * @param expiresAt      when the session expires unfinished; its claim stops counting then
 */
public record ClaimUploadAllowanceCommand(
        @TargetAggregateIdentifier String allowanceId,
        String ownerId,
        String uploadId,
        long bytes,
        int maxOpenUploads,
        long dailyBytes,
        Instant claimedAt,
        Instant expiresAt) {
}
