package io.depot.allinone;

import com.fasterxml.jackson.databind.JsonNode;
import io.depot.platform.testing.CloudFrontUrls;
import io.depot.platform.testing.TestPostgres;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.test.context.ContextConfiguration;

import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Downloads through a CDN ({@code depot.cdn.*}): download URLs are CloudFront signed URLs for the object, checked here
 * against the public key of the key pair Depot signs with, as the distribution would check them. No CloudFront runs
 * here, so nothing is fetched through these URLs. Its settings make this application a second one beside the
 * application the other end-to-end tests share, so it gets a schema and a data directory of its own.
 */
@ContextConfiguration(initializers = CdnDownloadTest.OwnStoresAndCdn.class)
class CdnDownloadTest extends EndToEndTest {

    private static final String CDN = "https://d111111abcdef8.cloudfront.net";
    private static final String KEY_PAIR_ID = "K2JCJMDEHXQW5F";
    private static final KeyPair KEYS = CloudFrontUrls.rsaKeys();
    private static final Path OWN_DATA_DIR = tempDir();
    private static final String OWN_SCHEMA_URL = TestPostgres.schemaUrl();

    /**
     * Settings above the shared ones: Spring runs this initializer after it has added the {@link EndToEndTest#servers}
     * properties, so these come first. {@link #theApplicationRunsOnItsOwnStores} shows that they do.
     */
    static class OwnStoresAndCdn implements ApplicationContextInitializer<ConfigurableApplicationContext> {

        @Override
        public void initialize(ConfigurableApplicationContext context) {
            Path key = CloudFrontUrls.writePkcs8Pem(KEYS, OWN_DATA_DIR.resolve("cdn-key.pem"));
            context.getEnvironment().getPropertySources().addFirst(new MapPropertySource("cdn-download-test", Map.of(
                    "spring.datasource.url", OWN_SCHEMA_URL,
                    "depot.embedded.data-dir", OWN_DATA_DIR.toString(),
                    "depot.cdn.domain", CDN,
                    "depot.cdn.key-pair-id", KEY_PAIR_ID,
                    "depot.cdn.private-key", "file:" + key)));
        }
    }

    @Autowired
    Environment environment;

    private String alice;

    @BeforeEach
    void users() {
        alice = api.token("alice");
    }

    @Test
    void theApplicationRunsOnItsOwnStores() {
        assertThat(environment.getProperty("spring.datasource.url")).isEqualTo(OWN_SCHEMA_URL);
        assertThat(jdbc.queryForObject("SELECT current_schema()", String.class))
                .isEqualTo(OWN_SCHEMA_URL.substring(OWN_SCHEMA_URL.indexOf("currentSchema=") + "currentSchema=".length()));
        assertThat(environment.getProperty("depot.embedded.data-dir")).isEqualTo(OWN_DATA_DIR.toString());
    }

    @Test
    void aPrivateFileGetsACannedCloudFrontUrlForItsObjectThatKeepsItsName() {
        String filename = uniqueName("quarterly report");
        String fileId = uploadSmall(alice, filename, randomBytes(700, 31));
        Instant asked = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        JsonNode download = api.get("/v1/files/" + fileId + "/download?expiry=120", alice).json();

        String url = download.get("url").asText();
        assertThat(url).startsWith(CDN + "/objects/" + fileId + "/");
        var grant = CloudFrontUrls.verify(url, KEYS.getPublic());
        assertThat(grant.canned()).isTrue();
        assertThat(grant.keyPairId()).isEqualTo(KEY_PAIR_ID);
        assertThat(Instant.ofEpochSecond(grant.expires()))
                .isBetween(asked.plusSeconds(120), Instant.now().plusSeconds(120))
                .isEqualTo(Instant.parse(download.get("expires_at").asText()));
        // Storage decodes the parameter once and serves the header as presigned URLs have it.
        assertThat(URLDecoder.decode(CloudFrontUrls.parameters(grant.resource()).get("response-content-disposition"),
                StandardCharsets.UTF_8)).isEqualTo("attachment; filename*=UTF-8''" + filename.replace(" ", "%20"));
        assertThat(download.get("version").asLong()).isEqualTo(1);
        assertThat(download.get("size").asLong()).isEqualTo(700);
    }

    @Test
    void theExpiryIsCappedAtTheLongestDownloadUrlExpiry() {
        String fileId = uploadSmall(alice, uniqueName("long"), randomBytes(10, 32));
        Instant asked = Instant.now().truncatedTo(ChronoUnit.SECONDS);

        String url = api.get("/v1/files/" + fileId + "/download?expiry=100000000", alice).json().get("url").asText();

        assertThat(Instant.ofEpochSecond(CloudFrontUrls.verify(url, KEYS.getPublic()).expires()))
                .isBetween(asked.plus(Duration.ofDays(7)), Instant.now().plus(Duration.ofDays(7)));
    }

    @Test
    void anIpRangeAndAStartTimeAreSignedIntoACustomPolicy() {
        String fileId = uploadSmall(alice, uniqueName("limited"), randomBytes(10, 33));
        Instant start = Instant.now().plusSeconds(60).truncatedTo(ChronoUnit.SECONDS);

        String v4 = api.get("/v1/files/" + fileId + "/download?expiry=600&ip_range=203.0.113.0/24&not_before="
                + start, alice).json().get("url").asText();
        String v6 = api.get("/v1/files/" + fileId + "/download?ip_range="
                + URLEncoder.encode("2001:db8::/32", StandardCharsets.UTF_8), alice).json().get("url").asText();

        var limited = CloudFrontUrls.verify(v4, KEYS.getPublic());
        assertThat(limited.canned()).isFalse();
        assertThat(limited.ipRange()).isEqualTo("203.0.113.0/24");
        assertThat(limited.notBefore()).isEqualTo(start.getEpochSecond());
        assertThat(limited.resource()).startsWith(CDN + "/objects/" + fileId + "/");
        var v6Grant = CloudFrontUrls.verify(v6, KEYS.getPublic());
        assertThat(v6Grant.ipRange()).isEqualTo("2001:db8::/32");
        assertThat(v6Grant.notBefore()).isNull();
    }

    @Test
    void anotherUserStillCannotGetAPrivateFilesUrl() {
        String fileId = uploadSmall(alice, uniqueName("private"), randomBytes(10, 34));
        String bob = api.token("bob");

        for (String query : new String[]{"", "?ip_range=203.0.113.0/24"}) {
            for (String token : new String[]{bob, null}) {
                Api.Response refused = api.get("/v1/files/" + fileId + "/download" + query, token);
                assertThat(refused.status()).as(refused.body()).isEqualTo(404);
                assertThat(refused.isProblem()).isTrue();
                assertThat(refused.body()).doesNotContain(CDN);
            }
        }
    }

    @Test
    void aBadIpRangeOrStartTimeIsA400Problem() {
        String fileId = uploadSmall(alice, uniqueName("bad-input"), randomBytes(10, 35));
        String path = "/v1/files/" + fileId + "/download";

        assertValidationProblem(api.get(path + "?ip_range=203.0.113.0/33", alice), "ip_range");
        assertValidationProblem(api.get(path + "?ip_range=example.com/24", alice), "ip_range");
        assertValidationProblem(api.get(path + "?not_before=tomorrow", alice), "not_before");
        assertValidationProblem(api.get(path + "?expiry=60&not_before=" + Instant.now().plus(Duration.ofHours(1)), alice),
                "not_before");
    }

    @Test
    void aPublicFileIsSignedForAnyoneByDefault() {
        byte[] data = randomBytes(50, 36);
        JsonNode upload = api.post("/v1/uploads/initiate", alice, Map.of("filename", uniqueName("public"),
                "content_type", "application/octet-stream", "size", data.length, "public", true)).json();
        putSingle(upload, data);
        String fileId = complete(alice, upload.get("upload_id").asText()).get("file_id").asText();
        awaitFile(alice, fileId, 1);

        JsonNode download = api.get("/v1/files/" + fileId + "/download", null).json();

        var grant = CloudFrontUrls.verify(download.get("url").asText(), KEYS.getPublic());
        assertThat(grant.canned()).isTrue();
        assertThat(Instant.parse(download.get("expires_at").asText())).isEqualTo(Instant.ofEpochSecond(grant.expires()));
    }

    private static void assertValidationProblem(Api.Response response, String parameter) {
        assertThat(response.status()).as(response.body()).isEqualTo(400);
        assertThat(response.isProblem()).isTrue();
        assertThat(response.json().get("code").asText()).isEqualTo("validation-failed");
        assertThat(response.json().get("detail").asText()).contains(parameter);
    }
}
