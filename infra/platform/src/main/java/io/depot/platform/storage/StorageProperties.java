package io.depot.platform.storage;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

import java.net.URI;
import java.time.Duration;

/**
 * Object storage settings.
 *
 * @param endpoint             the S3 endpoint the services call; empty for AWS's own
 * @param publicEndpoint       the endpoint presigned URLs point at, when clients reach storage by another address
 * @param region               the signing region
 * @param bucket               the bucket holding every object; created when missing
 * @param accessKey            the access key; empty for the default AWS credentials chain
 * @param secretKey            the secret key
 * @param pathStyle            path-style addressing, as MinIO and S3Proxy need
 * @param uploadUrlExpiry      how long presigned part URLs stay valid
 * @param maxDownloadUrlExpiry the longest validity a download URL may have
 * @param serverSideEncryption how storage encrypts every object Depot writes: {@code AES256} (SSE-S3),
 *                             {@code aws:kms} (SSE-KMS), or empty for none (the embedded S3Proxy stores plain files)
 * @param kmsKeyId             the KMS key for {@code aws:kms}; empty for the account's default key
 * @param directPartStreaming  parts uploaded through the service go on to storage as the network buffers they
 *                             arrived in, through the service's own HTTP client, rather than through the S3 client
 */
@ConfigurationProperties("depot.storage")
public record StorageProperties(
        URI endpoint,
        URI publicEndpoint,
        @DefaultValue("us-east-1") String region,
        @DefaultValue("depot") String bucket,
        String accessKey,
        String secretKey,
        @DefaultValue("true") boolean pathStyle,
        @DefaultValue("1h") Duration uploadUrlExpiry,
        @DefaultValue("7d") Duration maxDownloadUrlExpiry,
        @DefaultValue("AES256") String serverSideEncryption,
        String kmsKeyId,
        @DefaultValue("true") boolean directPartStreaming) {
}
