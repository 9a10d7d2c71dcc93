package io.depot.file;

import java.util.List;

/**
 * A file's renditions, newest version first, and why none could be made of some versions.
 *
 * @param items    the renditions
 * @param failures the versions whose renditions failed, with the reason
 */
public record FileRenditions(List<RenditionView> items, List<RenditionFailureView> failures) {
}
