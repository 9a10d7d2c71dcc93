package io.depot.bench;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.http.SdkHttpMethod;
import software.amazon.awssdk.http.SdkHttpRequest;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4FamilyHttpSigner.AuthLocation;
import software.amazon.awssdk.http.auth.aws.signer.AwsV4HttpSigner;
import software.amazon.awssdk.http.auth.spi.signer.HttpSigner;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import io.depot.platform.storage.QuerySigner;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * What one presigned part URL costs: Depot's signer against the SDK's signer used directly and the SDK's presigner,
 * each made once and shared.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PresignBenchmark {

    private static final URI ENDPOINT = URI.create("http://127.0.0.1:9000");
    private static final AwsCredentialsProvider CREDENTIALS =
            StaticCredentialsProvider.create(AwsBasicCredentials.create("depot", "secret"));

    private S3Presigner presigner;
    private QuerySigner signer;
    private final AwsV4HttpSigner sdkSigner = AwsV4HttpSigner.create();
    private int part;

    @Setup
    public void setUp() {
        presigner = S3Presigner.builder()
                .endpointOverride(ENDPOINT)
                .region(Region.US_EAST_1)
                .credentialsProvider(CREDENTIALS)
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        signer = new QuerySigner(ENDPOINT, true, "depot", "us-east-1", CREDENTIALS, Clock.systemUTC());
    }

    @TearDown
    public void tearDown() {
        presigner.close();
    }

    /** How Depot presigns URLs, on every endpoint style. */
    @Benchmark
    public String depotSigner() {
        int n = (part++ % 10_000) + 1;
        return signer.sign("PUT", "objects/f/u", Map.of("partNumber", Integer.toString(n), "uploadId", "upload-id"),
                Map.of("content-length", Long.toString(8L * 1024 * 1024)), Duration.ofHours(1)).url();
    }

    /**
     * The SDK's {@code AwsV4HttpSigner} used directly, SigV4 in the query string with an expiry: the same URL (the
     * bucket's URL resolved once, as Depot's signer has it), signed by the SDK's code.
     */
    @Benchmark
    public String sdkSigner() {
        int n = (part++ % 10_000) + 1;
        SdkHttpRequest request = SdkHttpRequest.builder()
                .method(SdkHttpMethod.PUT)
                .uri(ENDPOINT)
                .encodedPath("/depot/objects/f/u")
                .putRawQueryParameter("partNumber", Integer.toString(n))
                .putRawQueryParameter("uploadId", "upload-id")
                .putHeader("content-length", Long.toString(8L * 1024 * 1024))
                .build();
        return sdkSigner.sign(r -> r
                .request(request)
                .identity(CREDENTIALS.resolveCredentials())
                .putProperty(AwsV4HttpSigner.SERVICE_SIGNING_NAME, "s3")
                .putProperty(AwsV4HttpSigner.REGION_NAME, "us-east-1")
                .putProperty(AwsV4HttpSigner.AUTH_LOCATION, AuthLocation.QUERY_STRING)
                .putProperty(AwsV4HttpSigner.EXPIRATION_DURATION, Duration.ofHours(1))
                .putProperty(AwsV4HttpSigner.DOUBLE_URL_ENCODE, false)
                .putProperty(AwsV4HttpSigner.NORMALIZE_PATH, false)
                .putProperty(AwsV4HttpSigner.PAYLOAD_SIGNING_ENABLED, false)
                .putProperty(HttpSigner.SIGNING_CLOCK, Clock.systemUTC()))
                .request().getUri().toString();
    }

    /** The AWS SDK's presigner, which resolves the endpoint and runs its interceptors for every URL. */
    @Benchmark
    public String sdkPresigner() {
        int n = (part++ % 10_000) + 1;
        return presigner.presignUploadPart(p -> p.signatureDuration(Duration.ofHours(1))
                .uploadPartRequest(r -> r.bucket("depot").key("objects/f/u").uploadId("upload-id")
                        .partNumber(n).contentLength(8L * 1024 * 1024))).url().toString();
    }
}
