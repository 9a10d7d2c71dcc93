package io.depot.platform.storage;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Configuration;
import software.amazon.awssdk.services.s3.S3Utilities;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * AWS Signature Version 4 in the query string: every presigned URL Depot hands out, on every endpoint style. The
 * bucket's URL (path-style or virtual-hosted, AWS's own or a store at a known endpoint) comes from the SDK's S3
 * endpoint rules, resolved once; each URL is then signed directly, with the day's signing key cached. The SDK's
 * presigner resolves the endpoint and runs its interceptor chain for every URL, and the SDK's {@code AwsV4HttpSigner}
 * used directly still costs several times as much (docs/benchmarks.md, c). Tests check the output against the
 * presigner's for each endpoint style.
 */
public final class QuerySigner {

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private static final String SAMPLE_KEY = "k";

    private final String scheme;
    private final String host;
    private final String bucketPath;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private volatile CachedKey cachedKey;

    private record CachedKey(String day, String accessKey, String secretKey, byte[] key) {
    }

    /**
     * @param endpoint  the endpoint URLs point at, or null for AWS's own
     * @param pathStyle whether the bucket is named in the path rather than in the host name
     */
    public QuerySigner(URI endpoint, boolean pathStyle, String bucket, String region, AwsCredentialsProvider credentials,
                       Clock clock) {
        S3Utilities utilities = S3Utilities.builder()
                .region(Region.of(region))
                .endpoint(endpoint)
                .s3Configuration(S3Configuration.builder().pathStyleAccessEnabled(pathStyle).build())
                .build();
        String sample = utilities.getUrl(r -> r.bucket(bucket).key(SAMPLE_KEY)).toString();
        URI bucketUrl = URI.create(sample.substring(0, sample.length() - SAMPLE_KEY.length()));
        this.scheme = bucketUrl.getScheme();
        this.host = bucketUrl.getPort() < 0 ? bucketUrl.getHost() : bucketUrl.getHost() + ":" + bucketUrl.getPort();
        this.bucketPath = bucketUrl.getRawPath();
        this.region = region;
        this.credentials = credentials;
        this.clock = clock;
    }

    /** Where the URLs point: scheme, host and port, as a browser names an origin. */
    public String origin() {
        return scheme + "://" + host;
    }

    /**
     * A URL for {@code method} on the object {@code key}, valid for {@code expiry}, with {@code parameters} in its
     * query and {@code headers} (lower-case names) signed: the client must send exactly those.
     */
    public PresignedUrl sign(String method, String key, Map<String, String> parameters, Map<String, String> headers,
                             Duration expiry) {
        Instant now = clock.instant();
        AwsCredentials creds = credentials.resolveCredentials();
        String amzDate = AMZ_DATE.format(now);
        String day = DAY.format(now);
        String scope = day + "/" + region + "/s3/aws4_request";

        TreeMap<String, String> signedHeaders = new TreeMap<>();
        signedHeaders.put("host", host);
        headers.forEach((name, value) -> signedHeaders.put(name.toLowerCase(Locale.ROOT), value.trim()));
        String signedHeaderNames = String.join(";", signedHeaders.keySet());

        TreeMap<String, String> query = new TreeMap<>();
        parameters.forEach((name, value) -> query.put(encode(name), encode(value)));
        query.put("X-Amz-Algorithm", "AWS4-HMAC-SHA256");
        query.put("X-Amz-Credential", encode(creds.accessKeyId() + "/" + scope));
        query.put("X-Amz-Date", amzDate);
        query.put("X-Amz-Expires", Long.toString(expiry.toSeconds()));
        query.put("X-Amz-SignedHeaders", encode(signedHeaderNames));
        if (creds instanceof AwsSessionCredentials session) {
            query.put("X-Amz-Security-Token", encode(session.sessionToken()));
        }
        StringBuilder canonicalQuery = new StringBuilder();
        query.forEach((name, value) -> canonicalQuery.append(canonicalQuery.isEmpty() ? "" : "&").append(name).append('=').append(value));

        String path = bucketPath + encodePath(key);
        StringBuilder canonical = new StringBuilder(256).append(method).append('\n').append(path).append('\n')
                .append(canonicalQuery).append('\n');
        signedHeaders.forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
        canonical.append('\n').append(signedHeaderNames).append('\n').append("UNSIGNED-PAYLOAD");

        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.toString()));
        String signature = hex(hmac(signingKey(day, creds), toSign));
        String url = scheme + "://" + host + path + "?" + canonicalQuery + "&X-Amz-Signature=" + signature;
        return new PresignedUrl(url, now.plus(expiry));
    }

    private byte[] signingKey(String day, AwsCredentials creds) {
        CachedKey cached = cachedKey;
        if (cached != null && cached.day().equals(day) && cached.accessKey().equals(creds.accessKeyId())
                && cached.secretKey().equals(creds.secretAccessKey())) {
            return cached.key();
        }
        byte[] key = hmac(("AWS4" + creds.secretAccessKey()).getBytes(StandardCharsets.UTF_8), day);
        key = hmac(key, region);
        key = hmac(key, "s3");
        key = hmac(key, "aws4_request");
        cachedKey = new CachedKey(day, creds.accessKeyId(), creds.secretAccessKey(), key);
        return key;
    }

    /** RFC 3986 unreserved characters stay, everything else is percent-encoded (UTF-8), as SigV4 requires. */
    static String encode(String value) {
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        StringBuilder out = new StringBuilder(bytes.length + 16);
        for (byte b : bytes) {
            int c = b & 0xff;
            if (c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~') {
                out.append((char) c);
            } else {
                out.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
            }
        }
        return out.toString();
    }

    static String encodePath(String path) {
        return encode(path).replace("%2F", "/");
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String data) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
