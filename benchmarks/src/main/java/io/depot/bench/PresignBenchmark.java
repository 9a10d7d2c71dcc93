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
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import io.depot.platform.storage.QuerySigner;

import java.net.URI;
import java.time.Clock;
import java.util.Map;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** What one presigned part URL costs: Depot's signer against the SDK's presigner, each made once and shared. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class PresignBenchmark {

    private S3Presigner presigner;
    private QuerySigner signer;
    private int part;

    @Setup
    public void setUp() {
        presigner = S3Presigner.builder()
                .endpointOverride(URI.create("http://127.0.0.1:9000"))
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("depot", "secret")))
                .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(true).build())
                .build();
        signer = new QuerySigner(URI.create("http://127.0.0.1:9000"), "depot", "us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("depot", "secret")), Clock.systemUTC());
    }

    @TearDown
    public void tearDown() {
        presigner.close();
    }

    /** How Depot presigns part URLs on path-style stores. */
    @Benchmark
    public String depotSigner() {
        int n = (part++ % 10_000) + 1;
        return signer.sign("PUT", "objects/f/u", Map.of("partNumber", Integer.toString(n), "uploadId", "upload-id"),
                Map.of("content-length", Long.toString(8L * 1024 * 1024)), Duration.ofHours(1)).url();
    }

    /** The AWS SDK's presigner, which Depot keeps for AWS's own endpoints. */
    @Benchmark
    public String sdkPresigner() {
        int n = (part++ % 10_000) + 1;
        return presigner.presignUploadPart(p -> p.signatureDuration(Duration.ofHours(1))
                .uploadPartRequest(r -> r.bucket("depot").key("objects/f/u").uploadId("upload-id")
                        .partNumber(n).contentLength(8L * 1024 * 1024))).url().toString();
    }
}
