package io.depot.platform.storage;

import org.springframework.core.io.Resource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.regex.Pattern;

/**
 * An RSA private key read from a PEM file, in either form OpenSSL writes: PKCS#8 ({@code BEGIN PRIVATE KEY}, what
 * {@code openssl genrsa} writes since 3.0) or PKCS#1 ({@code BEGIN RSA PRIVATE KEY}, what CloudFront's guide and
 * older OpenSSL write). A PKCS#1 key is wrapped into PKCS#8, the only form the JDK reads.
 */
final class PemPrivateKey {

    private static final Pattern BLOCK = Pattern.compile(
            "-----BEGIN (RSA )?PRIVATE KEY-----([A-Za-z0-9+/=\\s]+)-----END \\1?PRIVATE KEY-----");
    /** DER of the PKCS#8 version (0) and AlgorithmIdentifier {rsaEncryption, NULL}. */
    private static final byte[] PKCS8_RSA_PREFIX = {0x02, 0x01, 0x00, 0x30, 0x0d, 0x06, 0x09, 0x2a, (byte) 0x86, 0x48,
            (byte) 0x86, (byte) 0xf7, 0x0d, 0x01, 0x01, 0x01, 0x05, 0x00};

    private PemPrivateKey() {
    }

    /** The key at {@code location}; what cannot be read is an {@link IllegalStateException} that names it and why. */
    static PrivateKey read(Resource location, String property) {
        String text;
        try (var in = location.getInputStream()) {
            text = new String(in.readNBytes(64 * 1024), StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new IllegalStateException(property + " " + location + " cannot be read: " + e.getMessage(), e);
        }
        var block = BLOCK.matcher(text);
        if (!block.find()) {
            throw new IllegalStateException(property + " " + location + " holds no PEM RSA private key (BEGIN PRIVATE"
                    + " KEY or BEGIN RSA PRIVATE KEY; encrypted keys are not supported)");
        }
        try {
            byte[] der = Base64.getMimeDecoder().decode(block.group(2));
            byte[] pkcs8 = block.group(1) == null ? der : wrapPkcs1(der);
            return KeyFactory.getInstance("RSA").generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalStateException(property + " " + location + " is not a valid RSA private key: "
                    + e.getMessage(), e);
        }
    }

    /** PrivateKeyInfo ::= SEQUENCE { version, AlgorithmIdentifier, OCTET STRING (the PKCS#1 key) }. */
    private static byte[] wrapPkcs1(byte[] pkcs1) {
        ByteArrayOutputStream octets = new ByteArrayOutputStream();
        octets.write(0x04);
        writeLength(octets, pkcs1.length);
        octets.writeBytes(pkcs1);
        ByteArrayOutputStream sequence = new ByteArrayOutputStream();
        sequence.write(0x30);
        writeLength(sequence, PKCS8_RSA_PREFIX.length + octets.size());
        sequence.writeBytes(PKCS8_RSA_PREFIX);
        sequence.writeBytes(octets.toByteArray());
        return sequence.toByteArray();
    }

    private static void writeLength(ByteArrayOutputStream out, int length) {
        if (length < 0x80) {
            out.write(length);
            return;
        }
        int bytes = (Integer.SIZE - Integer.numberOfLeadingZeros(length) + 7) / 8;
        out.write(0x80 | bytes);
        for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
            out.write(length >>> shift);
        }
    }
}
