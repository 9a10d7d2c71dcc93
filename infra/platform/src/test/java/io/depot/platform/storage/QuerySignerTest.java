package io.depot.platform.storage;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.presigner.S3Presigner;

import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/** Depot's query signer gives the SDK presigner's URLs, host, path and parameter for parameter, on every endpoint style. */
class QuerySignerTest {

    private static final Duration EXPIRY = Duration.ofMinutes(42);
    private static final String REGION = "eu-west-1";

    /** The endpoint styles Depot is deployed with. */
    enum Style {
        PATH_STYLE(URI.create("http://127.0.0.1:9000"), true),
        PATH_STYLE_UNDER_A_PATH(URI.create("https://storage.example.test/s3"), true),
        VIRTUAL_HOSTED(URI.create("http://s3.example.test:9000"), false),
        AWS(null, false);

        final URI endpoint;
        final boolean pathStyle;

        Style(URI endpoint, boolean pathStyle) {
            this.endpoint = endpoint;
            this.pathStyle = pathStyle;
        }

        S3Presigner sdk(AwsCredentialsProvider credentials) {
            var builder = S3Presigner.builder().region(Region.of(REGION)).credentialsProvider(credentials)
                    .serviceConfiguration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle)
                            .checksumValidationEnabled(false).build());
            if (endpoint != null) {
                builder.endpointOverride(endpoint);
            }
            return builder.build();
        }

        QuerySigner ours(AwsCredentialsProvider credentials, Instant now) {
            return new QuerySigner(endpoint, pathStyle, "depot", REGION, credentials, Clock.fixed(now, ZoneOffset.UTC));
        }
    }

    private static final AwsCredentialsProvider STATIC = StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEXAMPLE", "wJalr/XUtnFEMI+K7MDENG"));

    @ParameterizedTest
    @EnumSource(Style.class)
    void partUrlsAreSignedAsTheSdkSignsThem(Style style) {
        String sdkUrl = style.sdk(STATIC).presignUploadPart(p -> p.signatureDuration(EXPIRY).uploadPartRequest(r -> r
                .bucket("depot").key("objects/f-1/u-1").uploadId("a b+c/=").partNumber(7).contentLength(5242880L)))
                .url().toString();
        PresignedUrl our = style.ours(STATIC, dateOf(sdkUrl)).sign("PUT", "objects/f-1/u-1",
                Map.of("partNumber", "7", "uploadId", "a b+c/="), Map.of("content-length", "5242880"), EXPIRY);
        assertSame(our.url(), sdkUrl);
        assertThat(our.expiresAt()).isEqualTo(dateOf(sdkUrl).plus(EXPIRY));
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void putUrlsSignTypeLengthStorageClassAndEncryption(Style style) {
        String sdkUrl = style.sdk(STATIC).presignPutObject(p -> p.signatureDuration(EXPIRY).putObjectRequest(r -> r
                .bucket("depot").key("objects/f-1/u-2").contentType("image/png").contentLength(1234L)
                .storageClass("STANDARD_IA").serverSideEncryption("aws:kms").ssekmsKeyId("key-1"))).url().toString();
        Map<String, String> headers = new LinkedHashMap<>();
        headers.put("content-type", "image/png");
        headers.put("content-length", "1234");
        headers.put("x-amz-storage-class", "STANDARD_IA");
        headers.put("x-amz-server-side-encryption", "aws:kms");
        headers.put("x-amz-server-side-encryption-aws-kms-key-id", "key-1");
        String our = style.ours(STATIC, dateOf(sdkUrl)).sign("PUT", "objects/f-1/u-2", Map.of(), headers, EXPIRY).url();
        assertSame(our, sdkUrl);
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void getUrlsSignTheResponseHeadersAClientAsksFor(Style style) {
        String disposition = "attachment; filename*=UTF-8''caf%C3%A9%20%E2%80%94%20r%C3%A9sum%C3%A9.pdf";
        String sdkUrl = style.sdk(STATIC).presignGetObject(p -> p.signatureDuration(EXPIRY).getObjectRequest(r -> r
                .bucket("depot").key("objects/f-1/u-3").responseContentDisposition(disposition)
                .responseContentType("application/pdf"))).url().toString();
        String our = style.ours(STATIC, dateOf(sdkUrl)).sign("GET", "objects/f-1/u-3", Map.of(
                "response-content-disposition", disposition, "response-content-type", "application/pdf"), Map.of(),
                EXPIRY).url();
        assertSame(our, sdkUrl);
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void keysAreEncodedAsTheSdkEncodesThem(Style style) {
        String key = "quarantine/a b+c=d/é~_.-!*'()";
        String sdkUrl = style.sdk(STATIC).presignGetObject(p -> p.signatureDuration(EXPIRY)
                .getObjectRequest(r -> r.bucket("depot").key(key))).url().toString();
        String our = style.ours(STATIC, dateOf(sdkUrl)).sign("GET", key, Map.of(), Map.of(), EXPIRY).url();
        assertSame(our, sdkUrl);
    }

    @ParameterizedTest
    @EnumSource(Style.class)
    void temporaryCredentialsCarryTheirSessionToken(Style style) {
        AwsCredentialsProvider session = StaticCredentialsProvider.create(AwsSessionCredentials.create("ASIAEXAMPLE", "secret", "token/with+chars="));
        String sdkUrl = style.sdk(session).presignGetObject(p -> p.signatureDuration(EXPIRY).getObjectRequest(r -> r
                .bucket("depot").key("objects/f-1/u-4"))).url().toString();
        String our = style.ours(session, dateOf(sdkUrl)).sign("GET", "objects/f-1/u-4", Map.of(), Map.of(), EXPIRY).url();
        assertThat(query(our)).containsEntry("X-Amz-Security-Token", "token/with+chars=");
        assertSame(our, sdkUrl);
    }

    private static Instant dateOf(String url) {
        String date = query(url).get("X-Amz-Date");
        return DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC).parse(date, Instant::from);
    }

    private static void assertSame(String ours, String sdk) {
        assertThat(URI.create(ours).getScheme()).isEqualTo(URI.create(sdk).getScheme());
        assertThat(URI.create(ours).getAuthority()).isEqualTo(URI.create(sdk).getAuthority());
        assertThat(URI.create(ours).getRawPath()).isEqualTo(URI.create(sdk).getRawPath());
        assertThat(query(ours)).isEqualTo(query(sdk));
    }

    private static Map<String, String> query(String url) {
        Map<String, String> params = new TreeMap<>();
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            int eq = pair.indexOf('=');
            params.put(URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
        }
        return params;
    }
}
