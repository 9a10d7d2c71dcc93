package io.depot.file;

/**
 * Asks for the renditions of a file's versions that still have them, newest version first, and the versions none
 * could be made of; answered with {@link FileRenditions}.
 */
public record ListRenditionsQuery(String fileId) {
}
