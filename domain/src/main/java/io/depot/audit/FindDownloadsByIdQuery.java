package io.depot.audit;

import java.util.List;

/**
 * Asks the read model for its records of these downloads, by event id, so a verifier can compare each with the
 * event it came from. Answered with the {@link DownloadRecord}s found, in no particular order; an id with no record
 * is left out.
 *
 * @param eventIds at most a few hundred ids
 */
public record FindDownloadsByIdQuery(List<String> eventIds) {
}
