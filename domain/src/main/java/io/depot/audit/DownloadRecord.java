package io.depot.audit;

import java.time.Instant;

/**
 * One download URL given out, with its place in the download trail's hash chains.
 *
 * @param userId        who asked, or null for an anonymous download (of a public file, or through a share link)
 * @param clientAddress the address the request came from
 * @param shareId       the share link it came through, or null
 * @param chainId       the chain its writer linked it into, or null for a download recorded before chaining
 * @param chainSequence its place in that chain
 * @param previousHash  the hash of the link before it
 * @param hash          its own hash (see {@code io.depot.file.DownloadChain})
 */
public record DownloadRecord(String eventId, String fileId, long version, String userId, String clientAddress,
                             Instant downloadedAt, String shareId, String chainId, Long chainSequence,
                             String previousHash, String hash) {
}
