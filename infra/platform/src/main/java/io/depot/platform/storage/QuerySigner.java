package io.depot.platform.storage;

import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.AwsSessionCredentials;

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
 * AWS Signature Version 4 in the query string: the presigned URLs of a path-style endpoint, signed directly. The
 * SDK's presigner resolves endpoints and runs its interceptor chain for every URL (about 100 µs each); this signs the
 * same canonical request with the day's signing key cached, and is checked against the SDK's output in tests.
 */
public final class QuerySigner {

    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyyMMdd").withZone(ZoneOffset.UTC);

    private final URI endpoint;
    private final String bucket;
    private final String region;
    private final AwsCredentialsProvider credentials;
    private final Clock clock;
    private volatile CachedKey cachedKey;

    private record CachedKey(String day, String accessKey, String secretKey, byte[] key) {
    }

    public QuerySigner(URI endpoint, String bucket, String region, AwsCredentialsProvider credentials, Clock clock) {
        this.endpoint = endpoint;
        this.bucket = bucket;
        this.region = region;
        this.credentials = credentials;
        this.clock = clock;
    }

    /**
     * A URL for {@code method} on the object {@code key}, valid for {@code expiry}, with {@code parameters} in its
     * query and {@code headers} (lower-case names) signed: the client must send exactly those.
     */
    public PresignedUrl sign(String method, String key, Map<String, String> parameters, Map<String, String> headers,
                             Duration expiry) {
        return sign(method, key, parameters, headers, expiry, clock.instant());
    }

    PresignedUrl sign(String method, String key, Map<String, String> parameters, Map<String, String> headers,
                      Duration expiry, Instant now) {
        AwsCredentials creds = credentials.resolveCredentials();
        String amzDate = AMZ_DATE.format(now);
        String day = DAY.format(now);
        String scope = day + "/" + region + "/s3/aws4_request";
        String host = endpoint.getPort() < 0 ? endpoint.getHost() : endpoint.getHost() + ":" + endpoint.getPort();

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

        String path = basePath() + "/" + encodePath(bucket) + "/" + encodePath(key);
        StringBuilder canonical = new StringBuilder(256).append(method).append('\n').append(path).append('\n')
                .append(canonicalQuery).append('\n');
        signedHeaders.forEach((name, value) -> canonical.append(name).append(':').append(value).append('\n'));
        canonical.append('\n').append(signedHeaderNames).append('\n').append("UNSIGNED-PAYLOAD");

        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonical.toString()));
        String signature = hex(hmac(signingKey(day, creds), toSign));
        String url = endpoint.getScheme() + "://" + host + path + "?" + canonicalQuery + "&X-Amz-Signature=" + signature;
        return new PresignedUrl(url, now.plus(expiry));
    }

    private String basePath() {
        String path = endpoint.getRawPath();
        return path == null || path.equals("/") ? "" : path.replaceAll("/$", "");
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

    private static String encodePath(String path) {
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
