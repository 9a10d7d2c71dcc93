package io.depot.file;

/** Asks for the renditions of a file's versions that are not removed, newest version first; answered with {@link RenditionView}s. */
public record ListRenditionsQuery(String fileId) {
}
