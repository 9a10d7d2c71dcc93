package io.depot.upload;

import java.time.Instant;

/**
 * An upload's place among its owner's open sessions is free again.
 *
 * @param allowanceId  the owner's allowance
 * @param ownerId      the owner
 * @param uploadId     the upload
 * @param quotaLeftKib the KiB left in the daily quota after the claimed KiB were given back, at {@code releasedAt};
 *                     null when they stay counted
 * @param releasedAt   when
 */
public record UploadAllowanceReleasedEvent(
        String allowanceId,
        String ownerId,
        String uploadId,
        Long quotaLeftKib,
        Instant releasedAt) {
}
