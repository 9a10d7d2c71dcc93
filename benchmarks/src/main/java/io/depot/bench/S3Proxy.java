package io.depot.bench;

import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.core.checksums.RequestChecksumCalculation;
import software.amazon.awssdk.core.checksums.ResponseChecksumValidation;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3BaseClientBuilder;

import java.io.IOException;
import java.net.URI;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/** S3Proxy on its filesystem backend, in a JVM of its own: the object store of every benchmark. */
final class S3Proxy {

    static final String ACCESS_KEY = "depot";
    static final String SECRET_KEY = "depot-bench-secret";

    private S3Proxy() {
    }

    /** An S3 client builder set up for S3Proxy on {@code port}: its keys, path-style, checksums only where required. */
    static <B extends S3BaseClientBuilder<B, C>, C> B configure(B builder, int port) {
        return builder.region(Region.US_EAST_1)
                .credentialsProvider(StaticCredentialsProvider.create(
                        AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
                .forcePathStyle(true)
                .requestChecksumCalculation(RequestChecksumCalculation.WHEN_REQUIRED)
                .responseChecksumValidation(ResponseChecksumValidation.WHEN_REQUIRED)
                .endpointOverride(URI.create("http://127.0.0.1:" + port));
    }

    static Processes.Server start(Processes processes, Path work) throws IOException, InterruptedException {
        int port = Processes.freePort();
        Path s3Dir = Files.createDirectories(work.resolve("s3"));
        Path properties = work.resolve("s3proxy.conf");
        Files.writeString(properties, String.join("\n",
                "s3proxy.endpoint=http://127.0.0.1:" + port,
                "s3proxy.authorization=aws-v2-or-v4",
                "s3proxy.identity=" + ACCESS_KEY,
                "s3proxy.credential=" + SECRET_KEY,
                "jclouds.provider=filesystem",
                "jclouds.identity=unused",
                "jclouds.credential=unused",
                "jclouds.filesystem.basedir=" + s3Dir) + "\n");
        Path logback = work.resolve("s3proxy-logback.xml");
        try (InputStream in = S3Proxy.class.getResourceAsStream("/s3proxy-logback.xml")) {
            Files.copy(in, logback);
        }
        Process s3 = processes.start(List.of(Processes.javaTool("java"), "-Xmx512m",
                        "-Dlogback.configurationFile=" + logback, "-cp", System.getProperty("java.class.path"),
                        "org.gaul.s3proxy.Main", "--properties", properties.toString()),
                Map.of(), work.resolve("s3proxy.log"));
        Processes.awaitPort(port, Duration.ofSeconds(60));
        return new Processes.Server(port, s3);
    }
}
