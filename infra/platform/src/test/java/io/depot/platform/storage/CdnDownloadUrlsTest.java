package io.depot.platform.storage;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;
import io.depot.platform.testing.CloudFrontUrls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.core.io.FileSystemResource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** CloudFront signed download URLs, each checked against the public key as a distribution would check it. */
class CdnDownloadUrlsTest {

    private static final KeyPair KEYS = CloudFrontUrls.rsaKeys();
    private static final String DOMAIN = "https://d111111abcdef8.cloudfront.net";
    private static final Instant NOW = Instant.parse("2030-05-01T10:00:00.750Z");
    private static final Duration MAX = Duration.ofDays(7);
    private static final DownloadTarget REPORT =
            new DownloadTarget("objects/f1/u1", "report.pdf", "application/pdf", false);

    @TempDir
    Path dir;

    @Test
    void aUrlWithoutConditionsCarriesACannedPolicyForItsOwnResourceUntilItsExpiry() {
        PresignedUrl url = urls(CdnProperties.PublicUrls.SIGNED).url(REPORT, Duration.ofMinutes(5), UrlConditions.NONE);

        var grant = CloudFrontUrls.verify(url.url(), KEYS.getPublic());
        assertThat(grant.canned()).isTrue();
        assertThat(grant.keyPairId()).isEqualTo("K2JCJMDEHXQW5F");
        assertThat(grant.expires()).isEqualTo(NOW.getEpochSecond() + 300);
        assertThat(url.expiresAt()).isEqualTo(Instant.ofEpochSecond(grant.expires()));
        assertThat(grant.resource()).isEqualTo(DOMAIN + "/objects/f1/u1"
                + "?response-content-disposition=attachment%3B%20filename%2A%3DUTF-8%27%27report.pdf"
                + "&response-content-type=application%2Fpdf");
        assertThat(url.url()).doesNotContain("Policy=");
    }

    @Test
    void theResourceIsTheObjectKeyEncodedAndTheFileKeepsItsName() {
        var target = new DownloadTarget("objects/a b/c+d~é", "Résumé (final) 100%.pdf", "text/plain; charset=utf-8",
                false);
        PresignedUrl url = urls(CdnProperties.PublicUrls.SIGNED).url(target, Duration.ofMinutes(1), UrlConditions.NONE);

        String resource = CloudFrontUrls.verify(url.url(), KEYS.getPublic()).resource();
        assertThat(resource).startsWith(DOMAIN + "/objects/a%20b/c%2Bd~%C3%A9?");
        assertThat(URI.create(resource).getPath()).isEqualTo("/objects/a b/c+d~é");
        var parameters = CloudFrontUrls.parameters(resource);
        // S3 decodes the parameter once and serves this header.
        assertThat(URLDecoder.decode(parameters.get("response-content-disposition"), StandardCharsets.UTF_8))
                .isEqualTo("attachment; filename*=UTF-8''R%C3%A9sum%C3%A9%20%28final%29%20100%25.pdf");
        assertThat(URLDecoder.decode(parameters.get("response-content-type"), StandardCharsets.UTF_8))
                .isEqualTo("text/plain; charset=utf-8");
        assertThat(resource).doesNotContain("*", " ", "\"", "\\");
    }

    @Test
    void theValidityIsCappedAtTheLongestDownloadUrlExpiry() {
        PresignedUrl canned = urls(CdnProperties.PublicUrls.SIGNED).url(REPORT, Duration.ofDays(365), UrlConditions.NONE);
        PresignedUrl custom = urls(CdnProperties.PublicUrls.SIGNED).url(REPORT, Duration.ofDays(365),
                new UrlConditions("192.0.2.0/24", null));

        long capped = NOW.getEpochSecond() + MAX.toSeconds();
        assertThat(CloudFrontUrls.verify(canned.url(), KEYS.getPublic()).expires()).isEqualTo(capped);
        assertThat(CloudFrontUrls.verify(custom.url(), KEYS.getPublic()).expires()).isEqualTo(capped);
        assertThat(canned.expiresAt()).isEqualTo(Instant.ofEpochSecond(capped));
    }

    @Test
    void anIpRangeAndAStartTimeMakeACustomPolicyThatNamesThem() {
        Instant start = NOW.plus(Duration.ofHours(1));
        PresignedUrl url = urls(CdnProperties.PublicUrls.SIGNED).url(REPORT, Duration.ofHours(2),
                new UrlConditions("2001:db8::/32", start));

        var grant = CloudFrontUrls.verify(url.url(), KEYS.getPublic());
        assertThat(grant.canned()).isFalse();
        assertThat(grant.ipRange()).isEqualTo("2001:db8::/32");
        assertThat(grant.notBefore()).isEqualTo(start.getEpochSecond());
        assertThat(grant.expires()).isEqualTo(NOW.getEpochSecond() + 7200);
        assertThat(grant.resource()).startsWith(DOMAIN + "/objects/f1/u1?response-content-disposition=");
        assertThat(url.url()).doesNotContain("Expires=");
    }

    @Test
    void anIpRangeAloneNamesNoStartTime() {
        PresignedUrl url = urls(CdnProperties.PublicUrls.SIGNED).url(REPORT, Duration.ofMinutes(5),
                UrlConditions.parse("198.51.100.7/32", null));

        var grant = CloudFrontUrls.verify(url.url(), KEYS.getPublic());
        assertThat(grant.canned()).isFalse();
        assertThat(grant.ipRange()).isEqualTo("198.51.100.7/32");
        assertThat(grant.notBefore()).isNull();
    }

    @Test
    void aTamperedUrlFailsTheCheck() {
        PresignedUrl url = urls(CdnProperties.PublicUrls.SIGNED).url(REPORT, Duration.ofMinutes(5), UrlConditions.NONE);

        assertThatThrownBy(() -> CloudFrontUrls.verify(url.url().replace("objects/f1/u1", "objects/f2/u1"),
                KEYS.getPublic())).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> CloudFrontUrls.verify(url.url(), CloudFrontUrls.rsaKeys().getPublic()))
                .isInstanceOf(AssertionError.class);
    }

    @Test
    void aStartTimeAtOrAfterTheExpiryIsRefused() {
        var conditions = new UrlConditions(null, NOW.plus(Duration.ofMinutes(10)));

        assertThatThrownBy(() -> urls(CdnProperties.PublicUrls.SIGNED).url(REPORT, Duration.ofMinutes(10), conditions))
                .isInstanceOfSatisfying(DepotException.class, e -> {
                    assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                    assertThat(e.getMessage()).contains("not_before", "longer expiry");
                });
    }

    @Test
    void aPublicFileGetsAPlainUrlThatNeverExpiresWhenPublicUrlsAreUnsigned() {
        var open = new DownloadTarget("objects/f9/u9", "open.txt", "text/plain", true);

        PresignedUrl plain = urls(CdnProperties.PublicUrls.UNSIGNED).url(open, Duration.ofMinutes(5), UrlConditions.NONE);
        assertThat(plain.url()).isEqualTo(DOMAIN + "/objects/f9/u9"
                + "?response-content-disposition=attachment%3B%20filename%2A%3DUTF-8%27%27open.txt"
                + "&response-content-type=text%2Fplain");
        assertThat(plain.expiresAt()).isNull();

        // Conditions need a signature; private files are signed whatever the setting.
        PresignedUrl limited = urls(CdnProperties.PublicUrls.UNSIGNED).url(open, Duration.ofMinutes(5),
                new UrlConditions("192.0.2.0/24", null));
        assertThat(CloudFrontUrls.verify(limited.url(), KEYS.getPublic()).ipRange()).isEqualTo("192.0.2.0/24");
        PresignedUrl privateOne = urls(CdnProperties.PublicUrls.UNSIGNED).url(REPORT, Duration.ofMinutes(5),
                UrlConditions.NONE);
        assertThat(CloudFrontUrls.verify(privateOne.url(), KEYS.getPublic()).canned()).isTrue();
    }

    @Test
    void aPublicFileIsSignedByDefault() {
        var open = new DownloadTarget("objects/f9/u9", "open.txt", "text/plain", true);

        PresignedUrl url = urls(CdnProperties.PublicUrls.SIGNED).url(open, Duration.ofMinutes(5), UrlConditions.NONE);

        assertThat(CloudFrontUrls.verify(url.url(), KEYS.getPublic()).expires()).isEqualTo(NOW.getEpochSecond() + 300);
    }

    @Test
    void aKeyInEitherPemFormSignsTheSameUrls() {
        var pkcs1 = CloudFrontUrls.writePkcs1Pem(KEYS, dir.resolve("pkcs1.pem"));
        var pkcs8 = CloudFrontUrls.writePkcs8Pem(KEYS, dir.resolve("pkcs8.pem"));

        assertThat(PemPrivateKey.read(new FileSystemResource(pkcs1), "key"))
                .isEqualTo(PemPrivateKey.read(new FileSystemResource(pkcs8), "key"))
                .isEqualTo(KEYS.getPrivate());
    }

    @Test
    void withoutACdnConditionsAreRefusedAndUrlsArePresignedOnStorage() {
        var signer = new QuerySigner(URI.create("http://127.0.0.1:9000"), true, "depot", "us-east-1",
                StaticCredentialsProvider.create(AwsBasicCredentials.create("key", "secret")),
                Clock.fixed(NOW, ZoneOffset.UTC));
        var urls = new StorageDownloadUrls(new ObjectStorage(null, signer, "depot", ObjectStorage.Encryption.NONE), MAX);

        PresignedUrl url = urls.url(REPORT, Duration.ofDays(30), UrlConditions.NONE);
        assertThat(url.url()).startsWith("http://127.0.0.1:9000/depot/objects/f1/u1?")
                .contains("X-Amz-Expires=" + MAX.toSeconds(), "response-content-disposition=");
        for (var conditions : new UrlConditions[]{new UrlConditions("192.0.2.0/24", null), new UrlConditions(null, NOW)}) {
            assertThatThrownBy(() -> urls.url(REPORT, Duration.ofMinutes(5), conditions))
                    .isInstanceOfSatisfying(DepotException.class, e -> {
                        assertThat(e.code()).isEqualTo(ErrorCode.VALIDATION_FAILED);
                        assertThat(e.getMessage()).contains("ip_range and not_before need downloads through a CDN");
                    });
        }
    }

    private CdnDownloadUrls urls(CdnProperties.PublicUrls publicUrls) {
        var key = new FileSystemResource(CloudFrontUrls.writePkcs8Pem(KEYS, dir.resolve("cdn.pem")));
        var cdn = new CdnProperties(URI.create(DOMAIN + "/"), "K2JCJMDEHXQW5F", key, publicUrls);
        return new CdnDownloadUrls(cdn, PemPrivateKey.read(key, "depot.cdn.private-key"), MAX,
                Clock.fixed(NOW, ZoneOffset.UTC));
    }
}
