package io.depot.file;

/** Asks for one page of a file's versions that are not deleted, newest first; answered with a {@link FileVersionPage}. */
public record ListFileVersionsQuery(String fileId, int page, int size) {
}
