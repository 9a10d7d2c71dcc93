package io.depot.platform.storage;

import io.depot.file.StorageClass;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadRequest;
import software.amazon.awssdk.services.s3.model.CreateMultipartUploadResponse;

import java.lang.reflect.Proxy;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Encryption is chosen by Depot when it opens an upload's multipart upload in storage, so no client can drop it,
 * and a presigned part URL asks the client for no encryption header (S3 refuses unsigned {@code x-amz-*} headers).
 * The embedded store refuses encryption headers, and no store here implements encryption, so the request Depot
 * sends is captured from the SDK client instead of being sent.
 */
class ServerSideEncryptionTest {

    private final QuerySigner signer = new QuerySigner(URI.create("http://127.0.0.1:9"), true, "depot", "us-east-1",
            StaticCredentialsProvider.create(AwsBasicCredentials.create("a", "b")), Clock.systemUTC());

    @Test
    void everyUploadIsOpenedWithTheConfiguredEncryption() {
        var sent = new AtomicReference<CreateMultipartUploadRequest>();
        var storage = new ObjectStorage(capturing(sent), signer, "depot", new ObjectStorage.Encryption("aws:kms", "key-1"));
        assertThat(storage.createMultipartUpload("objects/f/u", "image/png", StorageClass.STANDARD).block())
                .isEqualTo("upload-1");
        assertThat(sent.get().serverSideEncryptionAsString()).isEqualTo("aws:kms");
        assertThat(sent.get().ssekmsKeyId()).isEqualTo("key-1");
        assertThat(sent.get().contentType()).isEqualTo("image/png");
    }

    @Test
    void withoutEncryptionNoneIsAsked() {
        var sent = new AtomicReference<CreateMultipartUploadRequest>();
        var storage = new ObjectStorage(capturing(sent), signer, "depot", ObjectStorage.Encryption.NONE);
        storage.createMultipartUpload("objects/f/u", "image/png", StorageClass.STANDARD).block();
        assertThat(sent.get().serverSideEncryption()).isNull();
        assertThat(sent.get().ssekmsKeyId()).isNull();
    }

    @Test
    void aPartUrlSignsNoEncryptionHeader() {
        var storage = new ObjectStorage(null, signer, "depot", new ObjectStorage.Encryption("aws:kms", "key-1"));
        String url = storage.presignPart("objects/f/u", "upload-1", 1, 10, Duration.ofMinutes(5)).url();
        String signed = URLDecoder.decode(url.substring(url.indexOf("X-Amz-SignedHeaders=")), StandardCharsets.UTF_8);
        assertThat(signed).doesNotContain("server-side-encryption");
    }

    /** An SDK client that answers CreateMultipartUpload itself and keeps the request. */
    @SuppressWarnings("unchecked")
    private static S3AsyncClient capturing(AtomicReference<CreateMultipartUploadRequest> sent) {
        return (S3AsyncClient) Proxy.newProxyInstance(S3AsyncClient.class.getClassLoader(),
                new Class<?>[]{S3AsyncClient.class}, (proxy, method, args) -> {
                    if (method.getName().equals("createMultipartUpload") && args[0] instanceof Consumer<?> build) {
                        var builder = CreateMultipartUploadRequest.builder();
                        ((Consumer<CreateMultipartUploadRequest.Builder>) build).accept(builder);
                        sent.set(builder.build());
                        return CompletableFuture.completedFuture(
                                CreateMultipartUploadResponse.builder().uploadId("upload-1").build());
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
