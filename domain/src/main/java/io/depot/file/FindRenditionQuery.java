package io.depot.file;

/**
 * Asks for the rendition called {@code name} of the file's newest version that has one, or of {@code version} when
 * given; answered with an optional {@link RenditionView}.
 */
public record FindRenditionQuery(String fileId, String name, Long version) {
}
