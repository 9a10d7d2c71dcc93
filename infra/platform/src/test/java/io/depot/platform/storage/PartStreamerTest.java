package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.testing.ServiceStores;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.netty.buffer.PooledByteBufAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.NettyDataBuffer;
import org.springframework.core.io.buffer.NettyDataBufferFactory;
import reactor.core.publisher.Flux;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.async.AsyncResponseTransformer;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;

import java.net.URI;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Parts streamed by the service's own HTTP client to a real S3Proxy: stored byte for byte under the ETag storage
 * gives them, every network buffer released once sent, and storage's refusals and absence answered as the S3
 * client's are.
 */
class PartStreamerTest {

    private static final int PART = 5 * 1024 * 1024;
    private static final NettyDataBufferFactory BUFFERS = new NettyDataBufferFactory(PooledByteBufAllocator.DEFAULT);

    private static S3AsyncClient s3;
    private static URI endpoint;
    private static SimpleMeterRegistry meters;

    @BeforeAll
    static void storage() {
        endpoint = ServiceStores.s3Endpoint();
        s3 = S3AsyncClient.builder()
                .region(Region.US_EAST_1)
                .endpointOverride(endpoint)
                .forcePathStyle(true)
                .credentialsProvider(credentials(ServiceStores.SECRET_KEY))
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        s3.createBucket(b -> b.bucket("streamed")).join();
        meters = new SimpleMeterRegistry();
    }

    @AfterAll
    static void close() {
        s3.close();
    }

    private static StaticCredentialsProvider credentials(String secret) {
        return StaticCredentialsProvider.create(AwsBasicCredentials.create(ServiceStores.ACCESS_KEY, secret));
    }

    private static ObjectStorage storage(URI at, String secret) {
        return storage(at, secret, "streamed");
    }

    private static ObjectStorage storage(URI at, String secret, String bucket) {
        QuerySigner signer = new QuerySigner(at, true, bucket, "us-east-1", credentials(secret), Clock.systemUTC());
        return new ObjectStorage(s3, signer, bucket, ObjectStorage.Encryption.NONE, new PartStreamer(signer, meters));
    }

    /** {@code bytes} as the pooled network buffers a server receives, in chunks of {@code chunk}; each one kept. */
    private static Flux<DataBuffer> received(byte[] bytes, int chunk, List<NettyDataBuffer> sent) {
        return Flux.range(0, (bytes.length + chunk - 1) / chunk).map(i -> {
            NettyDataBuffer buffer = BUFFERS.allocateBuffer(chunk);
            buffer.write(bytes, i * chunk, Math.min(chunk, bytes.length - i * chunk));
            sent.add(buffer);
            return buffer;
        });
    }

    @Test
    void aPartIsStoredByteForByteAndEveryBufferIsReleased() throws Exception {
        ObjectStorage storage = storage(endpoint, ServiceStores.SECRET_KEY);
        String key = "parts/whole";
        String uploadId = s3.createMultipartUpload(b -> b.bucket("streamed").key(key)).join().uploadId();
        byte[] first = new byte[PART];
        byte[] second = new byte[1234];
        new Random(7).nextBytes(first);
        new Random(8).nextBytes(second);
        List<NettyDataBuffer> sent = new ArrayList<>();

        String etag1 = storage.uploadPart(key, uploadId, 1, first.length, received(first, 16 * 1024, sent)).block();
        String etag2 = storage.uploadPart(key, uploadId, 2, second.length, received(second, 1000, sent)).block();

        assertThat(etag1).isEqualTo(md5(first));
        assertThat(etag2).isEqualTo(md5(second));
        assertThat(sent).hasSize(first.length / (16 * 1024) + 2)
                .allSatisfy(buffer -> assertThat(buffer.getNativeBuffer().refCnt()).isZero());
        assertThat(storage.listParts(key, uploadId).block()).extracting(StoredPart::partNumber, StoredPart::size)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(1, (long) first.length),
                        org.assertj.core.groups.Tuple.tuple(2, (long) second.length));
        storage.completeMultipartUpload(key, uploadId, List.of(new StoredPart(1, etag1, first.length),
                new StoredPart(2, etag2, second.length))).block();
        byte[] stored = s3.getObject(b -> b.bucket("streamed").key(key), AsyncResponseTransformer.toBytes())
                .join().asByteArray();
        byte[] expected = new byte[first.length + second.length];
        System.arraycopy(first, 0, expected, 0, first.length);
        System.arraycopy(second, 0, expected, first.length, second.length);
        assertThat(stored).isEqualTo(expected);
        assertThat(meters.get("depot.storage.requests").tags("operation", "UploadPart", "outcome", "success")
                .timer().count()).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aBodyShorterThanItsLengthStoresNothing() {
        ObjectStorage storage = storage(endpoint, ServiceStores.SECRET_KEY);
        String key = "parts/short";
        String uploadId = s3.createMultipartUpload(b -> b.bucket("streamed").key(key)).join().uploadId();
        byte[] bytes = new byte[100_000];
        List<NettyDataBuffer> sent = new ArrayList<>();
        Flux<DataBuffer> cut = received(bytes, 10_000, sent).take(5)
                .concatWith(Flux.error(new IllegalStateException("the client's connection closed")));

        assertThatThrownBy(() -> storage.uploadPart(key, uploadId, 1, bytes.length, cut).block())
                .isInstanceOf(DepotException.class);
        assertThat(storage.listParts(key, uploadId).block()).isEmpty();
        assertThat(sent).allSatisfy(buffer -> assertThat(buffer.getNativeBuffer().refCnt()).isZero());
    }

    @Test
    void storagesAnswersMapAsTheS3ClientsDo() {
        byte[] bytes = new byte[10];
        List<NettyDataBuffer> sent = new ArrayList<>();
        ObjectStorage noBucket = storage(endpoint, ServiceStores.SECRET_KEY, "no-such-bucket");
        assertThatThrownBy(() -> noBucket.uploadPart("parts/none", "no-such-upload", 1, bytes.length,
                received(bytes, 10, sent)).block())
                .isInstanceOfSatisfying(DepotException.class, e -> assertThat(e.code()).isEqualTo(ErrorCode.NOT_FOUND));

        String uploadId = s3.createMultipartUpload(b -> b.bucket("streamed").key("parts/refused")).join().uploadId();
        ObjectStorage wrongKey = storage(endpoint, "not-the-secret");
        assertThatThrownBy(() -> wrongKey.uploadPart("parts/refused", uploadId, 1, bytes.length,
                received(bytes, 10, sent)).block())
                .isInstanceOfSatisfying(DepotException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));

        ObjectStorage unreachable = storage(URI.create("http://127.0.0.1:9"), ServiceStores.SECRET_KEY);
        assertThatThrownBy(() -> unreachable.uploadPart("parts/refused", uploadId, 1, bytes.length,
                received(bytes, 10, sent)).block(Duration.ofSeconds(30)))
                .isInstanceOfSatisfying(DepotException.class,
                        e -> assertThat(e.code()).isEqualTo(ErrorCode.STORAGE_UNAVAILABLE));
        assertThat(meters.get("depot.storage.requests").tags("operation", "UploadPart", "outcome", "client_error")
                .timer().count()).isGreaterThanOrEqualTo(2);
        assertThat(meters.get("depot.storage.requests").tags("operation", "UploadPart", "outcome", "unreachable")
                .timer().count()).isGreaterThanOrEqualTo(1);
    }

    private static String md5(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(bytes));
    }
}
