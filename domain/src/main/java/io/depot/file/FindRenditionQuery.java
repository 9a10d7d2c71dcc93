package io.depot.file;

/**
 * Asks for the rendition called {@code name} of the file's newest version that has one, or of {@code version} when
 * given; answered with an optional {@link RenditionView}. Only made renditions are found, unless {@code unfinished}
 * asks for pending, processing and failed ones too.
 */
public record FindRenditionQuery(String fileId, String name, Long version, boolean unfinished) {

    /** A made rendition only. */
    public FindRenditionQuery(String fileId, String name, Long version) {
        this(fileId, name, version, false);
    }
}
