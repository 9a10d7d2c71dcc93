package io.depot.file;

/** Asks for one rendition of the file's newest version that has one by that name; answered with an optional {@link RenditionView}. */
public record FindRenditionQuery(String fileId, String name) {
}
