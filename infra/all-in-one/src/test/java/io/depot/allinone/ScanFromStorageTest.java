package io.depot.allinone;

import io.depot.platform.storage.ObjectStorage;
import io.depot.worker.scan.ClamdClient;
import io.depot.worker.scan.ClamdServer;
import io.depot.worker.scan.ScanResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.async.AsyncRequestBody;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3AsyncClient;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** Objects are scanned by a real clamd as they are read from the object store, without a copy in between. */
class ScanFromStorageTest {

    private static final int MIB = 1024 * 1024;

    private static Path dataDir;
    private static EmbeddedStores.EmbeddedObjectStore store;
    private static S3AsyncClient s3;
    private static ObjectStorage storage;
    private static ClamdServer clamd;
    private static ClamdClient client;

    @BeforeAll
    static void start() throws Exception {
        dataDir = Files.createTempDirectory("depot-scan-");
        store = EmbeddedStores.startObjectStore(
                new EmbeddedProperties(dataDir, 0, "depot", "depot-embedded-secret", 0, true));
        s3 = S3AsyncClient.builder()
                .endpointOverride(store.endpoint())
                .region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create("depot", "depot-embedded-secret")))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .build();
        storage = new ObjectStorage(s3, null, "depot", ObjectStorage.Encryption.NONE);
        storage.ensureBucket().block();
        clamd = new ClamdServer(8L * MIB).start();
        client = new ClamdClient(clamd.properties());
    }

    @AfterAll
    static void stop() throws Exception {
        if (clamd != null) {
            clamd.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (store != null) {
            store.stop();
        }
    }

    @Test
    void aCleanObjectIsCleanAndAnInfectedOneIsInfected() throws IOException {
        put("objects/clean", random(6 * MIB, 1));
        byte[] infected = random(6 * MIB, 2);
        byte[] eicar = ClamdServer.eicar();
        System.arraycopy(eicar, 0, infected, infected.length - eicar.length, eicar.length);
        put("objects/infected", infected);

        assertThat(scan("objects/clean")).isEqualTo(new ScanResult.Clean());
        // The signature is in the last bytes: the whole object went through.
        assertThat(scan("objects/infected")).isEqualTo(new ScanResult.Infected(ClamdServer.EICAR_FOUND));
    }

    @Test
    void anObjectKnownToBeOverTheLimitIsTooLarge() throws IOException {
        put("objects/large", random(8 * MIB + 1, 3));
        try (ResponseInputStream<GetObjectResponse> in = storage.open("objects/large").block()) {
            assertThat(client.scan(in, in.response().contentLength())).isEqualTo(new ScanResult.TooLarge());
            // Closing the stream before its end abandons the download.
        }
    }

    private ScanResult scan(String key) throws IOException {
        try (ResponseInputStream<GetObjectResponse> in = storage.open(key).block()) {
            return client.scan(in, in.response().contentLength());
        }
    }

    private static void put(String key, byte[] bytes) {
        s3.putObject(b -> b.bucket("depot").key(key), AsyncRequestBody.fromBytes(bytes)).join();
    }

    private static byte[] random(int length, long seed) {
        byte[] bytes = new byte[length];
        new Random(seed).nextBytes(bytes);
        return bytes;
    }
}
