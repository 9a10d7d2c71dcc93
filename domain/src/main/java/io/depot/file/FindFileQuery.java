package io.depot.file;

/** Asks for a file's current metadata; answered with an optional {@link FileView}. */
public record FindFileQuery(String fileId) {
}
