package io.depot.file;

import java.time.Instant;

/**
 * The link a chain's first link follows: the newest link, of any chain, its writer could see when it began the chain
 * (its own previous chain's head when it moves on to a new day's chain). A verifier that meets this link's chain finds
 * out whether links were removed from its end, or the whole chain.
 *
 * @param chainId  the chain named
 * @param sequence the link of that chain named
 * @param at       when that link was written, so a verifier knows whether it should have seen it
 */
public record DownloadAnchor(String chainId, long sequence, Instant at) {
}
