package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Records why a rendition could not be made of a version: the one called {@code name}, or with a null name the
 * version's standard image renditions as a whole. Recorded once per version and name, never for a name already made;
 * the version stays available.
 */
public record RecordRenditionFailedCommand(@TargetAggregateIdentifier String fileId, long version, String name,
                                           String reason, Instant at) {
}
