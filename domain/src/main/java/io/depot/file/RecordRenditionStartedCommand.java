package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Records that making the rendition {@code name} of an available version began (a long one, such as a video
 * transcode), so that the file shows it in progress. Recorded once per name; a version no longer available refuses it.
 */
public record RecordRenditionStartedCommand(@TargetAggregateIdentifier String fileId, long version, String name,
                                            Instant at) {
}
