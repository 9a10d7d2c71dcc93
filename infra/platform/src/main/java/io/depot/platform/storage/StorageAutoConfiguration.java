package io.depot.platform.storage;

import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.actuate.health.Health;
import org.springframework.boot.actuate.health.ReactiveHealthIndicator;
import org.springframework.context.annotation.Bean;
import reactor.core.publisher.Mono;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.net.URI;
import java.time.Duration;

/** The S3 client, the URL signer and {@link ObjectStorage}, made once per service and shared by every request. */
@AutoConfiguration
@EnableConfigurationProperties({StorageProperties.class, CdnProperties.class})
public class StorageAutoConfiguration {

    private static final Duration HEALTH_TIMEOUT = Duration.ofSeconds(2);

    @Bean
    @ConditionalOnMissingBean
    StorageEndpoint storageEndpoint(StorageProperties properties) {
        return new StorageEndpoint(blankToNull(properties.endpoint()), blankToNull(properties.publicEndpoint()),
                properties.accessKey(), properties.secretKey());
    }

    private static URI blankToNull(URI uri) {
        return uri == null || uri.toString().isBlank() ? null : uri;
    }

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    S3AsyncClient s3AsyncClient(StorageProperties properties, StorageEndpoint endpoint,
                                ObjectProvider<ExecutionInterceptor> interceptors, ObjectProvider<MeterRegistry> meters) {
        var builder = S3AsyncClient.builder()
                .region(Region.of(properties.region()))
                .credentialsProvider(credentials(endpoint))
                .forcePathStyle(properties.pathStyle())
                // Checksums only where S3 requires them: S3-compatible stores refuse x-amz-checksum-*.
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .httpClientBuilder(NettyNioAsyncHttpClient.builder()
                        .maxConcurrency(512)
                        .connectionAcquisitionTimeout(Duration.ofSeconds(30)))
                // Every S3 call seen by the interceptors the services declare (its trace span, for one), and counted.
                .overrideConfiguration(c -> {
                    interceptors.orderedStream().forEach(c::addExecutionInterceptor);
                    meters.ifAvailable(registry -> c.addExecutionInterceptor(new StorageMeters(registry)));
                });
        if (endpoint.endpoint() != null) {
            builder.endpointOverride(endpoint.endpoint());
        }
        return builder.build();
    }

    @Bean
    ObjectStorage objectStorage(S3AsyncClient s3, StorageProperties properties, StorageEndpoint endpoint,
                                java.time.Clock clock, ObjectProvider<MeterRegistry> meters) {
        // One signer for every endpoint style: path-style or virtual-hosted, AWS's own or a store at an endpoint.
        QuerySigner signer = new QuerySigner(endpoint.presignEndpoint(), properties.pathStyle(), properties.bucket(),
                properties.region(), credentials(endpoint), clock);
        // Parts the service streams itself are signed for the endpoint the service calls, not the public one.
        PartStreamer streamer = properties.directPartStreaming()
                ? new PartStreamer(new QuerySigner(endpoint.endpoint(), properties.pathStyle(), properties.bucket(),
                properties.region(), credentials(endpoint), clock), meters.getIfAvailable())
                : null;
        return new ObjectStorage(s3, signer, properties.bucket(), new ObjectStorage.Encryption(
                properties.serverSideEncryption(), properties.kmsKeyId()), streamer);
    }

    /** Restores of archived objects; an application that cannot reach a real S3's archive declares its own. */
    @Bean
    @ConditionalOnMissingBean
    ArchiveRetrieval archiveRetrieval(S3AsyncClient s3, StorageProperties properties) {
        return new S3ArchiveRetrieval(s3, properties.bucket());
    }

    /**
     * Through the CDN when {@code depot.cdn.domain} is set, else presigned storage URLs. The CDN's key is read here,
     * so that a missing or unreadable one stops the service at start rather than failing its first download.
     */
    @Bean
    @ConditionalOnMissingBean
    DownloadUrls downloadUrls(ObjectStorage storage, StorageProperties properties, CdnProperties cdn,
                              java.time.Clock clock) {
        if (!cdn.enabled()) {
            return new StorageDownloadUrls(storage, properties.maxDownloadUrlExpiry());
        }
        return new CdnDownloadUrls(cdn, PemPrivateKey.read(cdn.privateKey(), "depot.cdn.private-key"),
                properties.maxDownloadUrlExpiry(), clock);
    }

    /**
     * {@code storage} in {@code /health}, and one of the stores the readiness probe waits for: an instance whose
     * object storage does not answer takes no uploads or downloads.
     */
    @Bean
    ReactiveHealthIndicator storageHealthIndicator(ObjectStorage storage) {
        return () -> storage.checkBucket()
                .timeout(HEALTH_TIMEOUT)
                .thenReturn(Health.up().build())
                .onErrorResume(e -> Mono.just(Health.down().withDetail("error", e.getClass().getSimpleName()).build()));
    }

    @Bean
    ApplicationRunner bucketCheck(ObjectStorage storage) {
        return args -> storage.ensureBucket().block(Duration.ofSeconds(30));
    }

    private static AwsCredentialsProvider credentials(StorageEndpoint endpoint) {
        if (endpoint.accessKey() == null || endpoint.accessKey().isBlank()) {
            return DefaultCredentialsProvider.builder().build();
        }
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(endpoint.accessKey(), endpoint.secretKey()));
    }
}
