package io.depot.command.upload;

import io.depot.error.DepotException;
import io.depot.error.ErrorCode;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The headers of tus 1.0.0 (https://tus.io/protocols/resumable-upload) and how Depot reads them. */
final class TusProtocol {

    static final String VERSION = "1.0.0";
    static final String RESUMABLE = "Tus-Resumable";
    static final String TUS_VERSION = "Tus-Version";
    static final String EXTENSIONS = "Tus-Extension";
    static final String MAX_SIZE = "Tus-Max-Size";
    static final String CHECKSUM_ALGORITHMS = "Tus-Checksum-Algorithm";
    static final String OFFSET = "Upload-Offset";
    static final String LENGTH = "Upload-Length";
    static final String DEFER_LENGTH = "Upload-Defer-Length";
    static final String METADATA = "Upload-Metadata";
    static final String EXPIRES = "Upload-Expires";
    static final String CHECKSUM = "Upload-Checksum";
    static final String CONCAT = "Upload-Concat";
    static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";
    static final String SUPPORTED_EXTENSIONS = "creation,creation-with-upload,creation-defer-length,expiration,"
            + "checksum,termination,concatenation";
    static final List<String> ALGORITHMS = List.of("sha1", "md5", "sha256");
    /** tus's status for a chunk whose checksum does not match. */
    static final int CHECKSUM_MISMATCH_STATUS = 460;

    /** RFC 9110's IMF-fixdate (RFC 1123's formatter leaves out the day's leading zero). */
    private static final DateTimeFormatter HTTP_DATE = DateTimeFormatter
            .ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

    private TusProtocol() {
    }

    static String httpDate(Instant instant) {
        return HTTP_DATE.format(instant);
    }

    /** A non-negative number header; absent is null. */
    static Long number(String header, String value) {
        if (value == null) {
            return null;
        }
        try {
            long n = Long.parseLong(value.trim());
            if (n >= 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new DepotException(ErrorCode.VALIDATION_FAILED, header + " must be a non-negative integer, was '"
                + value + "'");
    }

    /** {@code Upload-Metadata}: comma-separated {@code key base64value} pairs (the value may be absent). */
    static Map<String, String> metadata(String header) {
        Map<String, String> pairs = new LinkedHashMap<>();
        if (header == null || header.isBlank()) {
            return pairs;
        }
        if (header.length() > 4096) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "Upload-Metadata is longer than 4096 characters");
        }
        for (String pair : header.split(",")) {
            String[] kv = pair.trim().split(" ", -1);
            if (kv.length > 2 || kv[0].isEmpty() || !kv[0].chars().allMatch(c -> c > 32 && c < 127 && c != ',')) {
                throw new DepotException(ErrorCode.VALIDATION_FAILED, "Upload-Metadata must be comma-separated keys, "
                        + "each with an optional base64 value, was '" + header + "'");
            }
            String value = "";
            if (kv.length == 2) {
                try {
                    value = new String(Base64.getDecoder().decode(kv[1]), StandardCharsets.UTF_8);
                } catch (IllegalArgumentException e) {
                    throw new DepotException(ErrorCode.VALIDATION_FAILED, "the Upload-Metadata value of " + kv[0]
                            + " is not base64");
                }
            }
            if (pairs.put(kv[0], value) != null) {
                throw new DepotException(ErrorCode.VALIDATION_FAILED, "Upload-Metadata names " + kv[0] + " twice");
            }
        }
        return pairs;
    }

    /** {@code Upload-Checksum: <algorithm> <base64 digest>}; null when absent. */
    static Checksum checksum(String header) {
        if (header == null) {
            return null;
        }
        String[] parts = header.trim().split(" ");
        String algorithm = parts[0].toLowerCase(Locale.ROOT);
        if (parts.length != 2 || !ALGORITHMS.contains(algorithm)) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "Upload-Checksum must be one of " + ALGORITHMS
                    + " and a base64 digest, was '" + header + "'");
        }
        try {
            return new Checksum(algorithm, Base64.getDecoder().decode(parts[1]));
        } catch (IllegalArgumentException e) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "the Upload-Checksum digest is not base64");
        }
    }

    /** A chunk's declared checksum. */
    record Checksum(String algorithm, byte[] expected) {

        MessageDigest digest() {
            try {
                return MessageDigest.getInstance(switch (algorithm) {
                    case "sha1" -> "SHA-1";
                    case "md5" -> "MD5";
                    default -> "SHA-256";
                });
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException(e);
            }
        }

        boolean matches(byte[] actual) {
            return MessageDigest.isEqual(expected, actual);
        }
    }

    /** {@code Upload-Concat}: {@code partial}, or {@code final;<url> <url> ...} naming the partial uploads' ids. */
    static Concat concat(String header) {
        if (header == null) {
            return null;
        }
        String value = header.trim();
        if (value.equals("partial")) {
            return new Concat(true, List.of());
        }
        if (value.startsWith("final;")) {
            List<String> ids = java.util.Arrays.stream(value.substring("final;".length()).trim().split("\\s+"))
                    .filter(url -> !url.isEmpty())
                    .map(TusProtocol::uploadIdOf)
                    .toList();
            if (ids.isEmpty() || ids.size() > 1_000) {
                throw new DepotException(ErrorCode.VALIDATION_FAILED, "Upload-Concat: final must name 1 to 1000 "
                        + "partial uploads");
            }
            return new Concat(false, ids);
        }
        throw new DepotException(ErrorCode.VALIDATION_FAILED, "Upload-Concat must be 'partial' or 'final;<urls>', was '"
                + header + "'");
    }

    /** The upload id at the end of a tus upload URL (absolute or a path). */
    static String uploadIdOf(String url) {
        String path = url;
        int query = path.indexOf('?');
        if (query >= 0) {
            path = path.substring(0, query);
        }
        while (path.endsWith("/")) {
            path = path.substring(0, path.length() - 1);
        }
        String id = path.substring(path.lastIndexOf('/') + 1);
        if (!id.matches("[0-9a-fA-F-]{36}")) {
            throw new DepotException(ErrorCode.VALIDATION_FAILED, "'" + url + "' is not a tus upload URL of Depot's");
        }
        return id;
    }

    /** A parsed {@code Upload-Concat}. */
    record Concat(boolean partial, List<String> partials) {
    }
}
