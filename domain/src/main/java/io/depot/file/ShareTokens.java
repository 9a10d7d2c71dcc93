package io.depot.file;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.UUID;

/**
 * A share link's token: the file's id, the link's id and {@value #SECRET_BYTES} random bytes (256 bits), in URL-safe
 * base64. The ids say where to look; only the secret's SHA-256 is stored, and a presented secret is compared with it
 * in constant time, so neither the store nor timing gives a token away.
 */
public final class ShareTokens {

    public static final int SECRET_BYTES = 32;
    private static final int TOKEN_BYTES = 16 + 16 + SECRET_BYTES;

    private ShareTokens() {
    }

    /** A presented token, taken apart: where the link is, and the hash of the secret presented. */
    public record Presented(String fileId, String shareId, String tokenHash) {
    }

    public static String token(String fileId, String shareId, byte[] secret) {
        if (secret.length != SECRET_BYTES) {
            throw new IllegalArgumentException("a share secret has " + SECRET_BYTES + " bytes");
        }
        ByteBuffer bytes = ByteBuffer.allocate(TOKEN_BYTES);
        put(bytes, UUID.fromString(fileId));
        put(bytes, UUID.fromString(shareId));
        bytes.put(secret);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes.array());
    }

    /** The token's parts, or empty for anything that is not a token Depot made. */
    public static Optional<Presented> parse(String token) {
        if (token == null || token.length() != (TOKEN_BYTES * 4 + 2) / 3) {
            return Optional.empty();
        }
        byte[] bytes;
        try {
            bytes = Base64.getUrlDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        if (bytes.length != TOKEN_BYTES) {
            return Optional.empty();
        }
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        UUID fileId = new UUID(buffer.getLong(), buffer.getLong());
        UUID shareId = new UUID(buffer.getLong(), buffer.getLong());
        byte[] secret = new byte[SECRET_BYTES];
        buffer.get(secret);
        return Optional.of(new Presented(fileId.toString(), shareId.toString(), hash(secret)));
    }

    public static String hash(byte[] secret) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(secret));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Whether two hashes are equal, in time that does not depend on where they differ. */
    public static boolean matches(String stored, String presented) {
        return MessageDigest.isEqual(stored.getBytes(StandardCharsets.US_ASCII),
                presented.getBytes(StandardCharsets.US_ASCII));
    }

    private static void put(ByteBuffer bytes, UUID id) {
        bytes.putLong(id.getMostSignificantBits()).putLong(id.getLeastSignificantBits());
    }
}
