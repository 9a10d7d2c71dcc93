package io.depot.file;

import java.util.List;

/**
 * An available version as its renditions are made from it.
 *
 * @param objectKey   the version's object
 * @param contentType the type its uploader declared, which its bytes may belie
 * @param made        the names of the renditions already recorded for it
 * @param failed      whether a rendition failure is already recorded for it
 */
public record RenditionSource(String objectKey, String contentType, List<String> made, boolean failed) {
}
