package io.depot.file;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The rules of the download trail's hash chains, shared by the writer that links downloads and the verifier that
 * checks them. A link's hash is SHA-256 over a canonical encoding of the link (chain, sequence, previous hash,
 * anchor) and of every field of its download, each field written as its length and its UTF-8 bytes, so no two
 * different records encode alike: changing any field, or moving a link to another place, changes its hash, and the
 * next link's {@code previousHash} no longer matches.
 */
public final class DownloadChain {

    /** The previous hash of a chain's first link when its writer saw no other link to name. */
    public static final String NO_ANCHOR = "0".repeat(64);

    private static final byte[] FORMAT = "depot-download-link/1".getBytes(StandardCharsets.UTF_8);

    private DownloadChain() {
    }

    /**
     * The download at its place in a chain.
     *
     * @param anchor for a chain's first link, the link it follows in another chain, or null
     */
    public static FileDownloadedEvent link(FileDownloadedEvent download, String chainId, long sequence,
                                           String previousHash, DownloadAnchor anchor) {
        String hash = hash(download, chainId, sequence, previousHash, anchor);
        return download.linked(new DownloadLink(chainId, sequence, previousHash, hash, anchor));
    }

    /** Whether the download's link carries the hash its fields give. */
    public static boolean intact(FileDownloadedEvent download) {
        DownloadLink link = download.link();
        return link != null && link.hash() != null && link.hash().equals(
                hash(download, link.chainId(), link.sequence(), link.previousHash(), link.anchor()));
    }

    /** The hash of a download at a place in a chain. */
    public static String hash(FileDownloadedEvent download, String chainId, long sequence, String previousHash,
                              DownloadAnchor anchor) {
        MessageDigest sha256;
        try {
            sha256 = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
        sha256.update(FORMAT);
        field(sha256, chainId);
        field(sha256, Long.toString(sequence));
        field(sha256, previousHash);
        field(sha256, anchor == null ? null : anchor.chainId());
        field(sha256, anchor == null ? null : Long.toString(anchor.sequence()));
        field(sha256, anchor == null || anchor.at() == null ? null : anchor.at().toString());
        field(sha256, download.fileId());
        field(sha256, Long.toString(download.version()));
        field(sha256, download.userId());
        field(sha256, download.clientAddress());
        field(sha256, download.downloadedAt() == null ? null : download.downloadedAt().toString());
        field(sha256, download.shareId());
        return HexFormat.of().formatHex(sha256.digest());
    }

    /** A null field is one byte {@code 0}; any other is {@code 1}, four bytes of length, then its UTF-8 bytes. */
    private static void field(MessageDigest sha256, String value) {
        if (value == null) {
            sha256.update((byte) 0);
            return;
        }
        byte[] bytes = value.getBytes(StandardCharsets.UTF_8);
        sha256.update((byte) 1);
        sha256.update(new byte[]{(byte) (bytes.length >>> 24), (byte) (bytes.length >>> 16),
                (byte) (bytes.length >>> 8), (byte) bytes.length});
        sha256.update(bytes);
    }
}
