package io.depot.file;

import java.time.Instant;

/**
 * The owner asked for a transform of an available version: recorded once per version and name. The rendition is
 * made in the background and recorded as {@link FileRenditionCreatedEvent}, or {@link FileRenditionFailedEvent}
 * naming it.
 *
 * @param fileId      the file
 * @param version     the version it is made from
 * @param name        its name, derived from the transform ({@link Transform#name()})
 * @param width       the box's width, or null
 * @param height      the box's height, or null
 * @param fit         how the image fits the box
 * @param format      the format written
 * @param requesterId the owner who asked (the history names them as its actor)
 * @param at          when
 */
public record FileRenditionRequestedEvent(String fileId, long version, String name, Integer width, Integer height,
                                          Transform.Fit fit, Transform.Format format, String requesterId,
                                          Instant at) {

    public Transform transform() {
        return new Transform(width, height, fit, format);
    }
}
