package io.depot.audit;

import java.time.Instant;

/**
 * Asks how many downloads the read model holds in a range, so a verifier can tell records that no event recorded.
 * Answered with a {@code Long}.
 *
 * @param from downloads at or after this instant, or null for the first
 * @param to   downloads before this instant
 */
public record CountDownloadsQuery(Instant from, Instant to) {
}
