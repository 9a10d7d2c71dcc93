package io.depot.file;

/**
 * What a transform request answers: the rendition it names and where it stands now.
 *
 * @param version the version it is made from
 * @param name    its name
 * @param status  pending until made, then available or failed
 */
public record RequestedRendition(long version, String name, RenditionStatus status) {
}
