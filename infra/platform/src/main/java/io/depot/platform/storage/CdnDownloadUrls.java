package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import software.amazon.awssdk.services.cloudfront.CloudFrontUtilities;

import java.security.PrivateKey;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Download URLs through CloudFront: the distribution's origin, the object's key as the path, and the
 * {@code response-content-disposition} and {@code response-content-type} S3 serves the object with, as presigned
 * URLs carry them, so that the file keeps its name. The query is part of the signed resource, so a client cannot
 * change it; the distribution forwards it to S3. Signed with a canned policy, or a custom one when
 * {@link UrlConditions} are asked.
 */
final class CdnDownloadUrls implements DownloadUrls {

    private final CloudFrontUtilities cloudFront = CloudFrontUtilities.create();
    private final String origin;
    private final String keyPairId;
    private final PrivateKey privateKey;
    private final boolean unsignedPublic;
    private final Duration maxValidity;
    private final Clock clock;

    CdnDownloadUrls(CdnProperties cdn, PrivateKey privateKey, Duration maxValidity, Clock clock) {
        this.origin = cdn.origin();
        this.keyPairId = cdn.keyPairId();
        this.privateKey = privateKey;
        this.unsignedPublic = cdn.publicUrls() == CdnProperties.PublicUrls.UNSIGNED;
        this.maxValidity = maxValidity;
        this.clock = clock;
    }

    @Override
    public PresignedUrl url(DownloadTarget target, Duration validity, UrlConditions conditions) {
        String resource = origin + QuerySigner.encodePath("/" + target.objectKey())
                + "?response-content-disposition=" + QuerySigner.encode(ObjectStorage.attachment(target.filename()))
                + "&response-content-type=" + QuerySigner.encode(target.contentType());
        if (target.publicFile() && unsignedPublic && !conditions.any()) {
            return new PresignedUrl(resource, null);
        }
        // CloudFront's policies count whole seconds.
        Instant expires = Instant.ofEpochSecond(clock.instant().getEpochSecond())
                .plus(StorageDownloadUrls.capped(validity, maxValidity));
        if (!conditions.any()) {
            return new PresignedUrl(cloudFront.getSignedUrlWithCannedPolicy(r -> r.resourceUrl(resource)
                    .privateKey(privateKey).keyPairId(keyPairId).expirationDate(expires)).url(), expires);
        }
        if (conditions.notBefore() != null && !conditions.notBefore().isBefore(expires)) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "not_before " + conditions.notBefore()
                    + " is not before the URL expires, at " + expires + ": ask for a longer expiry");
        }
        return new PresignedUrl(cloudFront.getSignedUrlWithCustomPolicy(r -> r.resourceUrl(resource)
                .privateKey(privateKey).keyPairId(keyPairId).expirationDate(expires)
                .activeDate(conditions.notBefore()).ipRange(conditions.ipRange())).url(), expires);
    }
}
