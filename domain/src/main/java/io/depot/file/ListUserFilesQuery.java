package io.depot.file;

/** Asks for one page of a user's files, newest first; answered with a {@link FilePage}. */
public record ListUserFilesQuery(String ownerId, int page, int size) {
}
