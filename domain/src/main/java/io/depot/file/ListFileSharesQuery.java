package io.depot.file;

/** Asks for a file's share links, newest first; answered with a list of {@link ShareView}. */
public record ListFileSharesQuery(String fileId) {
}
