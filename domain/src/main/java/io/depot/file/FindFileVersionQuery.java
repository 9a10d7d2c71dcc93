package io.depot.file;

/** Asks for one version of a file that is not deleted; answered with an optional {@link FileVersionView}. */
public record FindFileVersionQuery(String fileId, long version) {
}
