package io.depot.file;

/** Versions whose archive retrieval was asked for and not yet seen finished, at most {@code limit}: a list of {@link VersionRef}. */
public record ListPendingRetrievalsQuery(int limit) {
}
