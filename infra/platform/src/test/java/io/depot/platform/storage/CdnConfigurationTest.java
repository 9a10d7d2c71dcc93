package io.depot.platform.storage;

import io.depot.platform.testing.CloudFrontUrls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

import static org.assertj.core.api.Assertions.assertThat;

/** {@code depot.cdn.*}: off without a domain; with one, a service whose key is missing or unreadable does not start. */
class CdnConfigurationTest {

    private final ApplicationContextRunner context = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(StorageAutoConfiguration.class))
            .withBean(Clock.class, Clock::systemUTC)
            .withPropertyValues("depot.storage.endpoint=http://127.0.0.1:9", "depot.storage.access-key=a",
                    "depot.storage.secret-key=b");

    @TempDir
    Path dir;

    @Test
    void withoutADomainDownloadsArePresignedOnStorage() {
        context.run(app -> assertThat(app).getBean(DownloadUrls.class).isInstanceOf(StorageDownloadUrls.class));
    }

    @Test
    void aDomainWithAReadableKeySignsThroughTheCdn() {
        Path key = CloudFrontUrls.writePkcs1Pem(CloudFrontUrls.rsaKeys(), dir.resolve("cdn.pem"));
        context.withPropertyValues("depot.cdn.domain=https://d111111abcdef8.cloudfront.net",
                        "depot.cdn.key-pair-id=K2JCJMDEHXQW5F", "depot.cdn.private-key=file:" + key,
                        "depot.cdn.public-urls=unsigned")
                .run(app -> {
                    assertThat(app).getBean(DownloadUrls.class).isInstanceOf(CdnDownloadUrls.class);
                    assertThat(app.getBean(CdnProperties.class).publicUrls()).isEqualTo(CdnProperties.PublicUrls.UNSIGNED);
                });
    }

    @Test
    void aDomainWithoutAKeyStopsTheStart() {
        context.withPropertyValues("depot.cdn.domain=https://d111111abcdef8.cloudfront.net")
                .run(app -> assertThat(app).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("depot.cdn.key-pair-id is required when depot.cdn.domain is set"));
        context.withPropertyValues("depot.cdn.domain=https://d111111abcdef8.cloudfront.net",
                        "depot.cdn.key-pair-id=K2JCJMDEHXQW5F")
                .run(app -> assertThat(app).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("depot.cdn.private-key is required"));
    }

    @Test
    void anUnreadableKeyStopsTheStart() throws Exception {
        Path notAKey = Files.writeString(dir.resolve("not-a-key.pem"), "-----BEGIN CERTIFICATE-----\nAAAA\n");
        for (String location : new String[]{"file:" + dir.resolve("missing.pem"), "file:" + notAKey}) {
            context.withPropertyValues("depot.cdn.domain=https://d111111abcdef8.cloudfront.net",
                            "depot.cdn.key-pair-id=K2JCJMDEHXQW5F", "depot.cdn.private-key=" + location)
                    .run(app -> assertThat(app).hasFailed().getFailure()
                            .hasStackTraceContaining("depot.cdn.private-key URL [" + location + "]"));
        }
    }

    @Test
    void aDomainThatIsNotABareOriginOrAKeyIdThatIsNotAnIdStopsTheStart() {
        context.withPropertyValues("depot.cdn.domain=https://d111111abcdef8.cloudfront.net/files",
                        "depot.cdn.key-pair-id=K2JCJMDEHXQW5F", "depot.cdn.private-key=file:/none")
                .run(app -> assertThat(app).hasFailed().getFailure().rootCause()
                        .hasMessageContaining("depot.cdn.domain must be a scheme and host only"));
        context.withPropertyValues("depot.cdn.domain=https://d111111abcdef8.cloudfront.net",
                        "depot.cdn.key-pair-id=K2&x=1", "depot.cdn.private-key=file:/none")
                .run(app -> assertThat(app).hasFailed().getFailure()
                        .hasStackTraceContaining("keyPairId"));
    }
}
