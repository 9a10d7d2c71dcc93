package io.depot.file;

import java.util.List;

/**
 * An available version as its renditions are made from it.
 *
 * @param objectKey   the version's object
 * @param contentType the type its uploader declared, which its bytes may belie
 * @param made        the names of the renditions already recorded for it
 * @param failed      whether a failure of its standard image renditions is already recorded
 * @param failedNames the names whose failure is already recorded
 */
public record RenditionSource(String objectKey, String contentType, List<String> made, boolean failed,
                              List<String> failedNames) {

    /** Whether {@code name} was made or failed already: either way it is not to be made again. */
    public boolean settled(String name) {
        return made.contains(name) || failedNames.contains(name);
    }
}
