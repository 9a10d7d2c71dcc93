package io.depot.file;

/**
 * Asks for one page of a user's files, newest first; answered with a {@link FilePage}.
 *
 * @param ownerId    whose files
 * @param publicOnly only public files, for anyone but the owner
 * @param page       0-based page number
 * @param size       files per page
 * @param tag        only files with this tag (as {@link Tags#normalizeOne} makes it), or null for all
 */
public record ListUserFilesQuery(String ownerId, boolean publicOnly, int page, int size, String tag) {

    public ListUserFilesQuery(String ownerId, boolean publicOnly, int page, int size) {
        this(ownerId, publicOnly, page, size, null);
    }
}
