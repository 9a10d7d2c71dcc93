package io.depot.platform.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * CloudFront's side of a signed URL, written from its documentation rather than taken from the SDK that signs: the
 * policy rebuilt (canned) or read back (custom), and the signature checked against the public key, as a distribution
 * does before it serves a request. Also RSA keys and PEM files to sign with.
 */
public final class CloudFrontUrls {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudFrontUrls() {
    }

    /**
     * What a signed URL grants, read from its verified policy.
     *
     * @param resource  the policy's resource: what the URL is for
     * @param expires   {@code DateLessThan}, epoch seconds
     * @param notBefore {@code DateGreaterThan}, epoch seconds, or null
     * @param ipRange   {@code IpAddress.AWS:SourceIp}, or null
     * @param canned    whether the URL carries a canned policy ({@code Expires}) rather than a custom one
     * @param keyPairId the URL's {@code Key-Pair-Id}
     */
    public record Grant(String resource, long expires, Long notBefore, String ipRange, boolean canned,
                        String keyPairId) {
    }

    /**
     * Checks {@code url}'s signature with {@code publicKey} and returns what its policy grants; fails when the URL
     * lacks a signature, its policy does not cover the URL itself, or the signature does not match.
     */
    public static Grant verify(String url, PublicKey publicKey) {
        Map<String, String> parameters = parameters(url);
        String signature = parameters.get("Signature");
        String keyPairId = parameters.get("Key-Pair-Id");
        if (signature == null || keyPairId == null) {
            throw new AssertionError("not a signed URL: " + url);
        }
        boolean canned = !parameters.containsKey("Policy");
        int signed = url.indexOf(canned ? "Expires=" : "Policy=");
        // What the client requests, without CloudFront's own parameters: what the policy must name.
        String requested = url.substring(0, signed - 1);
        String policy = canned
                ? "{\"Statement\":[{\"Resource\":\"" + requested + "\",\"Condition\":{\"DateLessThan\":"
                + "{\"AWS:EpochTime\":" + Long.parseLong(parameters.get("Expires")) + "}}}]}"
                : new String(urlSafeDecode(parameters.get("Policy")), StandardCharsets.UTF_8);
        try {
            Signature rsa = Signature.getInstance("SHA1withRSA");
            rsa.initVerify(publicKey);
            rsa.update(policy.getBytes(StandardCharsets.UTF_8));
            if (!rsa.verify(urlSafeDecode(signature))) {
                throw new AssertionError("signature does not match the policy " + policy);
            }
        } catch (GeneralSecurityException e) {
            throw new AssertionError("signature cannot be checked: " + e, e);
        }
        JsonNode statement = readTree(policy).path("Statement").path(0);
        JsonNode condition = statement.path("Condition");
        String resource = statement.path("Resource").asText();
        if (!resource.equals(requested)) {
            throw new AssertionError("policy names " + resource + ", not the URL requested: " + requested);
        }
        JsonNode start = condition.path("DateGreaterThan").path("AWS:EpochTime");
        JsonNode ip = condition.path("IpAddress").path("AWS:SourceIp");
        return new Grant(resource, condition.path("DateLessThan").path("AWS:EpochTime").asLong(),
                start.isMissingNode() ? null : start.asLong(), ip.isMissingNode() ? null : ip.asText(), canned,
                keyPairId);
    }

    /** The raw (still percent-encoded) query parameters of {@code url}, in order. */
    public static Map<String, String> parameters(String url) {
        Map<String, String> parameters = new LinkedHashMap<>();
        int query = url.indexOf('?');
        if (query < 0) {
            return parameters;
        }
        for (String pair : url.substring(query + 1).split("&")) {
            int equals = pair.indexOf('=');
            parameters.put(pair.substring(0, equals), pair.substring(equals + 1));
        }
        return parameters;
    }

    /** CloudFront's URL-safe base64: {@code -}, {@code _} and {@code ~} stand for {@code +}, {@code =} and {@code /}. */
    static byte[] urlSafeDecode(String value) {
        return Base64.getDecoder().decode(value.replace('-', '+').replace('_', '=').replace('~', '/'));
    }

    public static KeyPair rsaKeys() {
        try {
            KeyPairGenerator generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes the private key as PKCS#8 PEM ({@code BEGIN PRIVATE KEY}) to {@code file}. */
    public static Path writePkcs8Pem(KeyPair keys, Path file) {
        return writePem("PRIVATE KEY", keys.getPrivate().getEncoded(), file);
    }

    /** Writes the private key as PKCS#1 PEM ({@code BEGIN RSA PRIVATE KEY}), as older OpenSSL does, to {@code file}. */
    public static Path writePkcs1Pem(KeyPair keys, Path file) {
        // PKCS#8 wraps the PKCS#1 key in its last element, an OCTET STRING: skip the SEQUENCE header, the version
        // and the AlgorithmIdentifier, then the OCTET STRING's header.
        byte[] pkcs8 = keys.getPrivate().getEncoded();
        int at = headerLength(pkcs8, 0);
        at += 3;
        at += headerLength(pkcs8, at) + pkcs8[at + 1];
        int content = at + headerLength(pkcs8, at);
        return writePem("RSA PRIVATE KEY", Arrays.copyOfRange(pkcs8, content, pkcs8.length), file);
    }

    private static int headerLength(byte[] der, int at) {
        int length = der[at + 1] & 0xff;
        return length < 0x80 ? 2 : 2 + (length & 0x7f);
    }

    private static Path writePem(String type, byte[] der, Path file) {
        String pem = "-----BEGIN " + type + "-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(der)
                + "\n-----END " + type + "-----\n";
        try {
            return Files.writeString(file, pem, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static JsonNode readTree(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("policy is not JSON: " + json, e);
        }
    }
}
