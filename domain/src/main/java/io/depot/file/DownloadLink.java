package io.depot.file;

/**
 * A download's place in its writer's hash chain. Each process that records downloads writes chains of its own, so
 * that writers never wait for each other, and begins a new one every UTC day and after a failed write; a chain's
 * first link names the head of another chain ({@link DownloadAnchor}), so chains are linked to each other as well.
 *
 * @param chainId      the chain, a random id chosen by its writer
 * @param sequence     the link's place in the chain, from 1 without gaps
 * @param previousHash the hash of the link before; for a chain's first link, the hash of the anchor's link, or
 *                     {@link DownloadChain#NO_ANCHOR} when its writer saw none
 * @param hash         SHA-256 of the link and its download, as {@link DownloadChain#hash} computes it
 * @param anchor       for a chain's first link, the other chain's head it names; null otherwise, and when its writer
 *                     saw no other link
 */
public record DownloadLink(String chainId, long sequence, String previousHash, String hash, DownloadAnchor anchor) {
}
