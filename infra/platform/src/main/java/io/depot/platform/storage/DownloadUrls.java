package io.depot.platform.storage;

import java.time.Duration;

/**
 * Makes every download URL Depot gives out: a CloudFront signed URL when a CDN is configured ({@code depot.cdn.*},
 * {@link CdnProperties}), otherwise a presigned GET on object storage. Every endpoint that hands out a download URL
 * calls this, so that the choice, the expiry cap and the conditions are the same for all of them.
 */
public interface DownloadUrls {

    /**
     * A URL for {@code target}, valid for {@code validity} from now, capped at
     * {@code depot.storage.max-download-url-expiry}. Conditions ({@link UrlConditions}) need a CDN: without one,
     * asking for any is refused with {@link io.depot.error.ErrorCode#VALIDATION_FAILED}; so is a {@code notBefore}
     * at or after the URL's expiry. A public file's plain CDN URL ({@code depot.cdn.public-urls: unsigned}, no
     * conditions) does not expire: its {@link PresignedUrl#expiresAt()} is null.
     */
    PresignedUrl url(DownloadTarget target, Duration validity, UrlConditions conditions);
}
