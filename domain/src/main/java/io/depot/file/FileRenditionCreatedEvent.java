package io.depot.file;

import java.time.Instant;

/**
 * A rendition of an available version was stored: a resized image now, any derived form (a transform's output)
 * later. It lives as long as its version: removed with it ({@link FileRenditionsRemovedEvent}).
 *
 * @param fileId      the file
 * @param version     the version it was made from
 * @param name        its name among the version's renditions, unique per version (e.g. {@code 128.jpg})
 * @param objectKey   where it is stored: {@code renditions/<file>/<version>/<name>}
 * @param contentType its media type
 * @param width       its width in pixels
 * @param height      its height in pixels
 * @param size        its length in bytes
 * @param at          when
 */
public record FileRenditionCreatedEvent(String fileId, long version, String name, String objectKey,
                                        String contentType, int width, int height, long size, Instant at) {
}
