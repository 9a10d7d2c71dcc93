package io.depot.file;

import org.axonframework.modelling.command.TargetAggregateIdentifier;

/**
 * Asks the file what a rendition worker may read of one version ({@link RenditionSource}): its object, its declared
 * content type and the renditions already recorded. Refused unless the version is available; records nothing.
 */
public record DescribeRenditionSourceCommand(@TargetAggregateIdentifier String fileId, long version) {
}
