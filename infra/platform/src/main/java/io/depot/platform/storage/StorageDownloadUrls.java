package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.time.Duration;

/** Download URLs without a CDN: presigned GETs on object storage, which cannot carry {@link UrlConditions}. */
final class StorageDownloadUrls implements DownloadUrls {

    private final ObjectStorage storage;
    private final Duration maxValidity;

    StorageDownloadUrls(ObjectStorage storage, Duration maxValidity) {
        this.storage = storage;
        this.maxValidity = maxValidity;
    }

    @Override
    public PresignedUrl url(DownloadTarget target, Duration validity, UrlConditions conditions) {
        if (conditions.any()) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "ip_range and not_before need downloads through a"
                    + " CDN (depot.cdn.domain), and this deployment serves presigned storage URLs, which cannot carry"
                    + " them");
        }
        return storage.presignGet(target.objectKey(), target.filename(), target.contentType(),
                capped(validity, maxValidity));
    }

    /** {@code validity} in whole seconds, at most {@code max}; one that is not positive is refused. */
    static Duration capped(Duration validity, Duration max) {
        if (validity.toSeconds() < 1) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "a download URL must be valid for at least 1 second");
        }
        return Duration.ofSeconds(Math.min(validity.toSeconds(), max.toSeconds()));
    }
}
