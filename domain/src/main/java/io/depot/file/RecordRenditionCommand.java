package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

import java.time.Instant;

/**
 * Records a rendition stored beside an available version. Recording the same name twice records nothing; a version
 * that is no longer available refuses it, and the caller removes the object it stored.
 */
public record RecordRenditionCommand(@TargetAggregateIdentifier String fileId, long version, String name,
                                     String objectKey, String contentType, int width, int height, long size,
                                     Instant at) {
}
