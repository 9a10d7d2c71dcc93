package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/** Records why no renditions could be made of a version; recorded once per version, and the version stays available. */
public record RecordRenditionFailedCommand(@TargetAggregateIdentifier String fileId, long version, String reason,
                                           Instant at) {
}
