package io.depot.file;

import java.util.List;

/**
 * A file's renditions, newest version first, and why some could not be made.
 *
 * @param items    the renditions, made or not yet made, each with its status
 * @param failures the renditions that failed, with the reason: named, or a version's standard renditions as a whole
 */
public record FileRenditions(List<RenditionView> items, List<RenditionFailureView> failures) {
}
