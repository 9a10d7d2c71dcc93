package io.depot.platform.storage;

import io.depot.file.StorageClass;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encryption is part of what a presigned PUT signs, so a client cannot drop it; the embedded store refuses the
 * headers, so this is checked on the signed URL itself.
 */
class ServerSideEncryptionTest {

    private final S3Presigner presigner = S3Presigner.builder()
            .endpointOverride(URI.create("http://127.0.0.1:9"))
            .region(Region.US_EAST_1)
            .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")))
            .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
            .build();

    @Test
    void aPresignedPutSignsTheEncryptionHeadersTheClientMustSend() {
        var storage = new ObjectStorage(null, presigner, "depot", new ObjectStorage.Encryption("aws:kms", "key-1"));
        String url = storage.presignPut("objects/f/u", "image/png", 10, StorageClass.STANDARD, Duration.ofMinutes(5)).url();
        String signed = URLDecoder.decode(url.substring(url.indexOf("X-Amz-SignedHeaders=")), StandardCharsets.UTF_8);
        assertThat(signed).contains("x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
                "content-type", "content-length");
        assertThat(storage.putHeaders("image/png", StorageClass.STANDARD))
                .containsEntry("x-amz-server-side-encryption", "aws:kms")
                .containsEntry("x-amz-server-side-encryption-aws-kms-key-id", "key-1");
    }

    @Test
    void withoutEncryptionNothingIsSignedOrAsked() {
        var storage = new ObjectStorage(null, presigner, "depot", ObjectStorage.Encryption.NONE);
        String url = storage.presignPut("objects/f/u", "image/png", 10, StorageClass.STANDARD, Duration.ofMinutes(5)).url();
        assertThat(url).doesNotContain("server-side-encryption");
        assertThat(storage.putHeaders("image/png", StorageClass.STANDARD)).containsOnlyKeys("Content-Type");
    }
}
