package io.depot.upload;

import java.time.Instant;

/**
 * An upload took a place among its owner's open sessions and {@code kib} KiB of the daily quota.
 *
 * @param allowanceId the owner's allowance
 * @param ownerId     the owner
 * @param uploadId    the upload
 * @param kib         the KiB of the daily quota the upload took
 * @param quotaLeftKib the KiB left in the daily quota after this claim, at {@code claimedAt}
 * @param claimedAt   when
 * @param expiresAt   when the upload's session expires; its place is free then at the latest
 */
public record UploadAllowanceClaimedEvent(
        String allowanceId,
        String ownerId,
        String uploadId,
        long kib,
        long quotaLeftKib,
        Instant claimedAt,
        Instant expiresAt) {
}
