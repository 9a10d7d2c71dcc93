package io.depot.upload;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Frees an upload's place among its owner's open sessions. Releasing an upload that holds no place changes nothing.
 *
 * @param allowanceId {@link UploadAllowance#idOf} the owner
 * @param ownerId     the upload's owner
 * @param uploadId    the upload whose place is freed
 * @param refundDailyBytes the owner's daily quota in bytes when the claimed bytes are to be given back (the upload was
 *                    never opened); null when they stay counted
 * @param releasedAt  when the place is freed
 */
public record ReleaseUploadAllowanceCommand(
        @TargetAggregateIdentifier String allowanceId,
        String ownerId,
        String uploadId,
        Long refundDailyBytes,
        Instant releasedAt) {
}
